package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A loaded decoder stack: token ids to the last hidden state, and the language-model head. Every
 * array a call creates lands in {@code work} (or the cache's manager), never in the weights'.
 */
public interface DecoderNetwork {

    int layers();

    int vocabSize();

    /** The longest sequence the model accepts. */
    int contextLength();

    /**
     * Runs {@code ids} at the positions after the cache's past (from 0 without a cache), appending
     * their keys and values to {@code cache} when given.
     *
     * @return the final-normed hidden states {@code [1, T, H]}
     */
    NDArray hidden(NDManager work, long[] ids, KvCache cache);

    /**
     * One decode step of several sequences: row b's token follows {@code caches[b]}'s past and its
     * keys and values are appended there.
     *
     * @return the final-normed hidden states {@code [B, 1, H]}
     */
    NDArray hiddenStep(NDManager work, long[] tokens, KvCache[] caches);

    /** Hidden states {@code [..., H]} to logits {@code [..., V]}. */
    NDArray lmHead(NDArray hidden);
}
