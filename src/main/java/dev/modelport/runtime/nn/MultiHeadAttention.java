package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Scaled dot-product attention over already projected q, k, v {@code [B,T,H]}: split into heads,
 * {@code softmax(q k^T / sqrt(d) + mask)} computed in float32 whatever the weights' dtype, then
 * merged back to {@code [B,T,H]}. The engine has no fused kernel, so this is matmul + softmax.
 */
public final class MultiHeadAttention {

    private final int heads;
    private final double scale;

    public MultiHeadAttention(int hidden, int heads) {
        this.heads = heads;
        this.scale = 1.0 / Math.sqrt((double) hidden / heads);
    }

    /** @param mask from {@link AttentionMask#additive} */
    public NDArray forward(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(1);
        long h = q.getShape().get(2);
        long d = h / heads;
        NDArray qh = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray kt = k.reshape(b, t, heads, d).transpose(0, 2, 3, 1);
        NDArray vh = v.reshape(b, t, heads, d).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kt).muli(scale).toType(DataType.FLOAT32, false).addi(mask);
        NDArray probs = scores.softmax(-1).toType(q.getDataType(), false);
        return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, h);
    }
}
