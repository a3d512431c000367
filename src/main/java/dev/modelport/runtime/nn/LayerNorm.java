package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.LayerNorm over the last axis with the config's epsilon. */
public record LayerNorm(NDArray gamma, NDArray beta, float eps) {

    public static LayerNorm load(Weights w, long hidden, double eps) {
        return new LayerNorm(w.get("weight", hidden), w.get("bias", hidden), (float) eps);
    }

    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(gamma.getShape().get(0)), gamma, beta, eps).singletonOrThrow();
    }
}
