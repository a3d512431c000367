package dev.modelport.runtime.pickle;

/**
 * Bounds on what one checkpoint file can make the reader do, so that a hostile file is refused
 * ({@code INVALID_CHECKPOINT}) long before it could exhaust memory or time. Every opcode consumes at
 * least one byte of a pickle of at most {@link #maxPickleBytes}, and no step walks a structure
 * recursively, so the work is linear in the pickle's size.
 *
 * @param maxPickleBytes the largest {@code data.pkl} (or, for the legacy format, all its pickles together)
 * @param maxDepth       containers nested in containers, and MARKs open at once
 * @param maxStack       values on the stack at once
 * @param maxMemo        distinct memo entries
 * @param maxValues      values made plus values put into containers, over the whole pickle
 * @param maxStringBytes one string's bytes
 * @param maxDims        a tensor's dimensions
 * @param maxZipEntries  records in the zip archive
 * @param maxViewFactor  the tensors' bytes, all together, over the file's bytes (tied weights share
 *                       a storage, so a little over 1 is normal; views that repeat one storage many
 *                       times are refused)
 */
public record PickleLimits(int maxPickleBytes, int maxDepth, int maxStack, int maxMemo, int maxValues,
        int maxStringBytes, int maxDims, int maxZipEntries, int maxViewFactor) {

    /**
     * Far above any real checkpoint: a state dict costs about 20 values and 200 bytes of pickle per
     * tensor, so these admit some 100,000 tensors per file; a 70B model has under 1,000.
     */
    public static final PickleLimits DEFAULT = new PickleLimits(32 << 20, 100, 1 << 20, 1 << 20, 2 << 20, 1 << 20,
            32, 1 << 18, 4);
}
