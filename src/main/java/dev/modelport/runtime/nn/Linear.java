package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;

/** {@code y = x W^T + b} with the checkpoint's {@code [out, in]} weight, as torch.nn.Linear. */
public record Linear(NDArray weight, NDArray bias) {

    public static Linear load(Weights w, long in, long out) {
        return new Linear(w.get("weight", out, in), w.get("bias", out));
    }

    /** The result lands in {@code x}'s manager, never in the weights'. */
    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }
}
