package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs a stack of layers, each inside its own sub-manager so that a layer's intermediates are freed
 * as soon as it finishes instead of piling up until the request ends.
 */
public final class Encoder {

    private Encoder() {
    }

    /**
     * @param hidden the input, owned by {@code manager}; it is consumed
     * @return the last layer's output, owned by {@code manager}
     */
    public static <L> NDArray run(NDManager manager, NDArray hidden, List<L> layers, BiFunction<L, NDArray, NDArray> step) {
        NDArray h = hidden;
        for (L layer : layers) {
            try (NDManager scope = manager.newSubManager()) {
                h.attach(scope);
                NDArray out = step.apply(layer, h);
                out.attach(manager);
                h = out;
            }
        }
        return h;
    }
}
