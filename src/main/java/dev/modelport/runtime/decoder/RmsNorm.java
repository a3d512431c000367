package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.modelport.runtime.nn.Weights;

/** Llama's RMSNorm: {@code w * x / sqrt(mean(x^2) + eps)}, the statistics in float32 as transformers does. */
public record RmsNorm(NDArray weight, float eps) {

    public static RmsNorm load(Weights w, long hidden, double eps) {
        return new RmsNorm(w.get("weight", hidden), (float) eps);
    }

    public NDArray forward(NDArray x) {
        DataType type = x.getDataType();
        NDArray f = x.toType(DataType.FLOAT32, false);
        NDArray rms = f.square().mean(new int[] {-1}, true).addi(eps).sqrt();
        return f.div(rms).toType(type, false).mul(weight);
    }
}
