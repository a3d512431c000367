package dev.modelport.runtime;

/**
 * A causal language model (GPT-2, Llama family) loaded for generation: the prompt once into a
 * {@link DecoderCache}, then one token per step, one sequence or several at once. Thread-safe:
 * each generation owns its cache.
 */
public interface DecoderModel extends LoadedModel {

    int vocabSize();

    /** The longest sequence (prompt + generated tokens) the model accepts. */
    int contextLength();

    /** An empty cache; the caller closes it. */
    DecoderCache newCache();

    /** Appends {@code ids} to the sequence in {@code cache}; the next-token logits after the last of them, [V]. */
    float[] nextLogits(DecoderCache cache, long[] ids);

    /**
     * One decode step of several generations at once: token b follows {@code caches[b]}, whose
     * past may differ in length from the others'. Each row's next-token logits.
     */
    float[][] nextLogitsRows(DecoderCache[] caches, long[] tokens);

    /** Logits of every position of {@code ids} run from position 0 without a cache, [T,V]. */
    FloatTensor logits(long[] ids);

    /**
     * For an int8 model: the logits of every position of {@code prompt} on the float32 weights and
     * on int8, compared; kept as {@link #quantizationError()}, then the float32 weights are freed.
     * Must run before the model serves. Empty, and nothing done, for other dtypes.
     */
    default java.util.Optional<QuantizationError> measureQuantization(long[] prompt) {
        return java.util.Optional.empty();
    }
}
