package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

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
     * cache. Each cache lends a view as long as the longest row (its buffer holds zeros past its own
     * length, masked out here), so the rows' pasts are joined with one copy and attended in one
     * batched product instead of row by row, where small products cost more in dispatch than in work.
     *
     * @param q {@code [B, heads, 1, d]}, already scaled
     * @param k new keys {@code [B, kvHeads, 1, d]}
     * @param v new values {@code [B, kvHeads, 1, d]}
     * @param caches one per row
     * @return the context {@code [B, 1, heads * d]}
     */
    public static NDArray forwardRows(NDManager work, NDArray q, NDArray k, NDArray v, KvCache[] caches, int layer) {
        int b = caches.length;
        long heads = q.getShape().get(1);
        long d = q.getShape().get(3);
        long kvHeads = k.getShape().get(1);
        int longest = 0;
        for (KvCache cache : caches) {
            longest = Math.max(longest, cache.length() + 1);
        }
        // one native call each for the rows' views, which stay [1, ...]
        NDList ks = k.split(b, 0);
        NDList vs = v.split(b, 0);
        NDList keys = new NDList(b);
        NDList vals = new NDList(b);
        float[] mask = new float[b * longest];
        for (int i = 0; i < b; i++) {
            NDArray[] kv = caches[i].append(work, layer, ks.get(i), vs.get(i), longest);
            keys.add(kv[0]);
            vals.add(kv[1]);
            Arrays.fill(mask, i * longest + caches[i].length() + 1, (i + 1) * longest, Float.NEGATIVE_INFINITY);
        }
        NDArray allK = NDArrays.concat(keys, 0);
        NDArray allV = NDArrays.concat(vals, 0);
        NDArray grouped = q.reshape(b, kvHeads, heads / kvHeads, d);
        NDArray scores = grouped.matMul(allK.swapAxes(2, 3)).toType(DataType.FLOAT32, false)
                .addi(work.create(mask, new Shape(b, 1, 1, longest)));
        NDArray probs = scores.softmax(-1).toType(q.getDataType(), false);
        return probs.matMul(allV).reshape(b, 1, heads * d);
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
