package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * One sequence's past keys and values, per layer {@code [1, kvHeads, S, headDim]}, in the
 * generation's manager. Appending replaces a layer's arrays with longer ones and frees the old
 * ones, so the cache holds one copy of the past however many steps run; closing the generation's
 * manager frees it all.
 */
public final class KvCache {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(NDManager manager, int layers) {
        this.manager = manager;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** Positions already held (the next token's position). */
    public int length() {
        return length;
    }

    /**
     * Appends a layer's new keys and values and returns the whole past including them.
     *
     * @return {k, v} each {@code [1, kvHeads, S, headDim]}, owned by the cache
     */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        keys[layer] = grow(keys[layer], k);
        values[layer] = grow(values[layer], v);
        return new NDArray[] {keys[layer], values[layer]};
    }

    private NDArray grow(NDArray past, NDArray add) {
        NDArray next = past == null ? add.duplicate() : NDArrays.concat(new NDList(past, add), 2);
        next.attach(manager);
        if (past != null) {
            past.close();
        }
        return next;
    }

    /** Called by the network once every layer has appended a step of {@code tokens} positions. */
    public void advance(int tokens) {
        length += tokens;
    }
}
