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
     * Whether the model has an LM head: a base model saved for embeddings (e.g. Qwen3-Embedding,
     * whose checkpoint has no {@code lm_head.weight}) computes hidden states only.
     */
    default boolean hasLmHead() {
        return true;
    }

    /**
     * The last hidden state (after the final norm) [B,T,H] of right-padded rows, each run from
     * position 0 (the attention mask says which positions are real; padding after a row's tokens
     * does not change them): what an embedding model built on a causal LM pools.
     */
    FloatTensor hiddenStates(EncoderBatch batch);

    /**
     * For an int8 model serving embeddings: {@link #hiddenStates} on the float32 weights and on
     * int8, compared at the real tokens; kept as {@link #quantizationError()}, then the float32
     * weights are freed. Empty, and nothing done, for other dtypes.
     */
    default java.util.Optional<QuantizationError> measureHiddenQuantization(EncoderBatch batch) {
        return java.util.Optional.empty();
    }

    /**
     * For an int8 model: the logits of every position of {@code prompt} on the float32 weights and
     * on int8, compared; kept as {@link #quantizationError()}, then the float32 weights are freed.
     * Must run before the model serves. Empty, and nothing done, for other dtypes.
     */
    default java.util.Optional<QuantizationError> measureQuantization(long[] prompt) {
        return java.util.Optional.empty();
    }
}
