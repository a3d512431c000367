package dev.modelport.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.decoder.KvCache;

/**
 * A causal language model (GPT-2, Llama family) loaded for generation. Besides the encoder-style
 * {@link LoadedModel} calls it runs one sequence incrementally: the prompt once into a
 * {@link KvCache}, then one token per step. Thread-safe: each generation owns its cache.
 */
public interface DecoderModel extends LoadedModel {

    int vocabSize();

    /** The longest sequence (prompt + generated tokens) the model accepts. */
    int contextLength();

    /** An empty cache whose arrays live in {@code manager} (a generation's own manager). */
    KvCache newCache(NDManager manager);

    /**
     * Appends {@code ids} to the sequence held by {@code cache} and returns the next-token logits
     * after the last of them, float32 {@code [V]}, copied off the device.
     */
    float[] nextLogits(NDManager manager, KvCache cache, long[] ids);

    /**
     * One decode step of several generations at once: token b follows {@code caches[b]}, whose
     * past may differ in length from the others'. Returns each row's next-token logits, float32.
     */
    float[][] nextLogitsRows(KvCache[] caches, long[] tokens);

    /** Logits of every position of {@code ids} run from position 0 without a cache, float32 {@code [T,V]}. */
    NDArray logits(NDManager manager, long[] ids);
}
