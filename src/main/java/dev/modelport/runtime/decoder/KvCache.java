package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * One sequence's past keys and values, per layer a buffer {@code [1, kvHeads, capacity, headDim]} in
 * the generation's manager. A step writes its keys and values in place after the past and attends
 * to a view of the filled part, so a decode step copies only its own token's keys and values, not
 * the whole past. The buffer doubles when full (a copy every doubling, amortized over the steps
 * that fill it), up to the model's context, so a short generation never holds a context-sized
 * cache. Closing the generation's manager frees it all.
 */
public final class KvCache {
    private static final int MIN_CAPACITY = 64;

    private final NDManager manager;
    private final int maxLength;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    /** @param maxLength the most positions the model accepts (its context length) */
    public KvCache(NDManager manager, int layers, int maxLength) {
        this.manager = manager;
        this.maxLength = maxLength;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions already held (the next token's position). */
    public int length() {
        return length;
    }

    /**
     * Writes a layer's new keys and values after the past and returns the whole past including them,
     * as views that belong to {@code work} (a view kept in the cache's manager would pin the buffer
     * it was taken from after the buffer grows, until the generation ends).
     *
     * @param k new keys {@code [1, kvHeads, T, d]}
     * @param v new values {@code [1, kvHeads, T, d]}
     * @return {k, v} each {@code [1, kvHeads, length + T, d]}
     */
    public NDArray[] append(NDManager work, int layer, NDArray k, NDArray v) {
        return append(work, layer, k, v, length + Math.toIntExact(k.getShape().get(2)));
    }

    /**
     * {@link #append(NDManager, int, NDArray, NDArray)} with views {@code width} positions long,
     * at least the past and the new positions: what lies after them is zeros, for the caller to
     * mask, so that sequences of different lengths line up in one batch without padding copies.
     */
    public NDArray[] append(NDManager work, int layer, NDArray k, NDArray v, int width) {
        int end = length + Math.toIntExact(k.getShape().get(2));
        if (width < end) {
            throw new IllegalArgumentException("a view of " + width + " positions cannot hold " + end);
        }
        keys[layer] = write(keys[layer], k, end, width);
        values[layer] = write(values[layer], v, end, width);
        NDIndex filled = new NDIndex(":, :, :{}", width);
        return new NDArray[] {keys[layer].get(work, filled), values[layer].get(work, filled)};
    }

    private NDArray write(NDArray buffer, NDArray add, int end, int width) {
        NDArray target = buffer;
        if (target == null || target.getShape().get(2) < width) {
            target = grown(buffer, add, width);
        }
        target.set(new NDIndex(":, :, {}:{}", length, end), add);
        return target;
    }

    /** A larger buffer holding the past of {@code old} (null: none yet); {@code old} is freed. */
    private NDArray grown(NDArray old, NDArray like, int needed) {
        long capacity = old == null ? MIN_CAPACITY : old.getShape().get(2) * 2;
        capacity = Math.max(needed, Math.min(capacity, maxLength));
        Shape s = like.getShape();
        NDArray next = manager.zeros(new Shape(1, s.get(1), capacity, s.get(3)), like.getDataType());
        if (old != null) {
            if (length > 0) {
                NDIndex past = new NDIndex(":, :, :{}", length);
                try (NDArray filled = old.get(manager, past)) {
                    next.set(past, filled);
                }
            }
            old.close();
        }
        return next;
    }

    /** Called by the network once every layer has appended a step of {@code tokens} positions. */
    public void advance(int tokens) {
        length += tokens;
    }
}
