package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** A lookup table {@code [rows, dim]}; lookups land in the ids' manager. */
public record Embedding(NDArray table) {

    public static Embedding load(Weights w, long rows, long dim) {
        return new Embedding(w.get("weight", rows, dim));
    }

    public NDArray forward(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }
}
