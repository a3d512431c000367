package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * Bidirectional multi-head self-attention, {@code softmax(q k^T / sqrt(d) + mask) v}, with the
 * softmax in float32 whatever the weights' dtype. The engine has no fused attention kernel, so
 * this is matmul + softmax; to keep it cheap the query, key and value projections are one GEMM
 * (their weights concatenated at load) and the {@code 1/sqrt(d)} scale is folded into the query
 * weights, which is exact for power-of-two head sizes and within a rounding otherwise.
 */
public final class MultiHeadAttention {

    private final Linear qkv;
    private final int heads;

    private MultiHeadAttention(Linear qkv, int heads) {
        this.qkv = qkv;
        this.heads = heads;
    }

    /** Loads the three {@code [hidden, hidden]} projections by their checkpoint keys and fuses them. */
    public static MultiHeadAttention load(Weights query, Weights key, Weights value, int hidden, int heads) {
        Linear q = Linear.load(query, hidden, hidden);
        Linear k = Linear.load(key, hidden, hidden);
        Linear v = Linear.load(value, hidden, hidden);
        double scale = 1.0 / Math.sqrt((double) hidden / heads);
        q.weight().muli(scale);
        q.bias().muli(scale);
        Linear fused = new Linear(NDArrays.concat(new NDList(q.weight(), k.weight(), v.weight()), 0),
                NDArrays.concat(new NDList(q.bias(), k.bias(), v.bias()), 0));
        for (Linear part : new Linear[] {q, k, v}) {
            part.weight().close();
            part.bias().close();
        }
        return new MultiHeadAttention(fused, heads);
    }

    /**
     * @param x {@code [B,T,H]}
     * @param mask from {@link AttentionMask#additive}, or null when no position is padding
     * @return the attention context {@code [B,T,H]}, before the output projection
     */
    public NDArray forward(NDArray x, NDArray mask) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long h = x.getShape().get(2);
        long d = h / heads;
        // [B,T,3H] -> [3,B,heads,T,d]: q, k and v become views of the one projection
        NDArray projected = qkv.forward(x).reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
        NDArray q = projected.get(0);
        NDArray kt = projected.get(1).swapAxes(2, 3);
        NDArray v = projected.get(2);
        NDArray scores = q.matMul(kt).toType(DataType.FLOAT32, false);
        if (mask != null) {
            scores.addi(mask);
        }
        NDArray probs = scores.softmax(-1).toType(x.getDataType(), false);
        return probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, h);
    }
}
