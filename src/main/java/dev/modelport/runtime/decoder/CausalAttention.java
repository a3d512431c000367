package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
     * Attention for a block: {@code caches} null runs the tokens alone from position 0, one cache
     * continues its sequence, several run one decode step per row ({@link #forwardRows}).
     */
    public static NDArray attend(NDManager work, NDArray q, NDArray k, NDArray v, KvCache[] caches, int layer) {
        if (caches == null || caches.length == 1) {
            return forward(work, q, k, v, caches == null ? null : caches[0], layer);
        }
        return forwardRows(work, q, k, v, caches, layer);
    }

    /**
     * One decode step of several sequences at once: row b's single new token attends to row b's own
     * cache. The projections around it run batched (that is where the weights are read); attention
     * itself is small per row, and running it row by row over each cache's own view needs neither
     * padding to the longest past nor a mask.
     *
     * @param q {@code [B, heads, 1, d]}, already scaled
     * @param k new keys {@code [B, kvHeads, 1, d]}
     * @param v new values {@code [B, kvHeads, 1, d]}
     * @param caches one per row
     * @return the context {@code [B, 1, heads * d]}
     */
    public static NDArray forwardRows(NDManager work, NDArray q, NDArray k, NDArray v, KvCache[] caches, int layer) {
        int b = caches.length;
        // one native call each for the rows' views, which stay [1, ...]
        NDList qs = q.split(b, 0);
        NDList ks = k.split(b, 0);
        NDList vs = v.split(b, 0);
        NDList rows = new NDList(b);
        for (int i = 0; i < b; i++) {
            rows.add(forward(work, qs.get(i), ks.get(i), vs.get(i), caches[i], layer));
        }
        return NDArrays.concat(rows, 0);
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
            NDArray[] kv = cache.append(work, layer, k, v);
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
