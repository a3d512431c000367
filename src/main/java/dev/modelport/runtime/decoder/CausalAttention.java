package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Causal scaled dot-product attention over a {@link KvCache}, with grouped-query attention: query
 * head {@code h} reads key/value head {@code h / (heads / kvHeads)}, as transformers' repeat_kv.
 * The scores and softmax run in float32 whatever the weights' dtype.
 */
public final class CausalAttention {

    private CausalAttention() {
    }

    /**
     * @param q {@code [1, heads, T, d]}, already scaled
     * @param k new keys {@code [1, kvHeads, T, d]}
     * @param v new values {@code [1, kvHeads, T, d]}
     * @param cache the sequence's past, or null when the T tokens are the whole sequence
     * @return the context {@code [1, T, heads * d]}
     */
    public static NDArray forward(NDManager work, NDArray q, NDArray k, NDArray v, KvCache cache, int layer) {
        long heads = q.getShape().get(1);
        long t = q.getShape().get(2);
        long d = q.getShape().get(3);
        long kvHeads = k.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        NDArray keys = k;
        NDArray vals = v;
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            keys = kv[0];
            vals = kv[1];
        }
        long s = past + t;
        long group = heads / kvHeads;
        // [1,heads,T,d] -> [1,kvHeads,group*T,d]: each kv head serves its group's queries in one matmul
        NDArray grouped = q.reshape(1, kvHeads, group * t, d);
        NDArray scores = grouped.matMul(keys.swapAxes(2, 3)).toType(DataType.FLOAT32, false);
        if (t > 1) {
            scores = scores.reshape(1, kvHeads, group, t, s).addi(causalMask(work, t, past))
                    .reshape(1, kvHeads, group * t, s);
        }
        NDArray probs = scores.softmax(-1).toType(q.getDataType(), false);
        return probs.matMul(vals).reshape(1, heads, t, d).transpose(0, 2, 1, 3).reshape(1, t, heads * d);
    }

    /** {@code [T, past+T]}: row i sees the past and the new tokens up to itself. */
    private static NDArray causalMask(NDManager work, long t, int past) {
        long s = past + t;
        float[] mask = new float[(int) (t * s)];
        for (int i = 0; i < t; i++) {
            for (long j = past + i + 1; j < s; j++) {
                mask[(int) (i * s + j)] = Float.NEGATIVE_INFINITY;
            }
        }
        return work.create(mask, new Shape(t, s));
    }
}
