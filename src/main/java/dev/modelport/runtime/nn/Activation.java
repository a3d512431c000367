package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The activations of transformers' {@code ACT2FN} that encoder configs name in hidden_act / activation. */
public enum Activation {
    /** Exact GELU, {@code x * Φ(x)} with erf: transformers' "gelu" and "gelu_python". */
    GELU("gelu", "gelu_python"),
    /** The tanh approximation: "gelu_new", "gelu_pytorch_tanh", "gelu_fast" are the same function. */
    GELU_TANH("gelu_new", "gelu_pytorch_tanh", "gelu_fast"),
    RELU("relu");

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private final String[] names;

    Activation(String... names) {
        this.names = names;
    }

    public static Activation of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Activation a : values()) {
            if (Arrays.asList(a.names).contains(n)) {
                return a;
            }
        }
        throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "activation '" + name
                + "' is not supported; supported: " + Arrays.stream(values())
                        .flatMap(a -> Arrays.stream(a.names)).collect(Collectors.joining(", ")));
    }

    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> x.getNDArrayInternal().gelu();
            case GELU_TANH -> {
                NDArray inner = x.pow(3).muli(0.044715).addi(x).muli(SQRT_2_OVER_PI);
                yield inner.tanh().addi(1).muli(x).muli(0.5);
            }
            case RELU -> x.getNDArrayInternal().relu();
        };
    }
}
