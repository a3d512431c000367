package dev.modelport.runtime;

/**
 * An encoder-decoder (T5, BART, Marian) loaded for generation: a batch of inputs is encoded once
 * ({@link EncodedInputs}: each input's cross-attention keys and values for every decoder layer, kept
 * inside the program), then each decoder sequence ({@link Seq2SeqCache}, several per input in a beam
 * search) is fed the decoder start token and one token per step, sequences of any inputs stepped
 * together. Thread-safe: each generation owns its caches.
 */
public interface Seq2SeqModel extends LoadedModel {

    int vocabSize();

    /** The longest encoder input in tokens. */
    default int maxInputTokens() {
        return spec().facts().maxTokens();
    }

    /** The longest decoder sequence (the decoder start token and the generated tokens). */
    int decoderContext();

    /** Encodes right-padded rows once; the caller closes the result (the caches made from it keep what they need). */
    EncodedInputs encode(EncoderBatch batch);

    /** The encoder's last hidden state [B,T,H] (padded positions are not meaningful). */
    FloatTensor encoderHiddenStates(EncoderBatch batch);

    /** An empty decoder sequence reading row {@code row} of {@code encoded}; the caller closes it. */
    Seq2SeqCache newCache(EncodedInputs encoded, int row);

    /** Appends {@code ids} to the sequence in {@code cache}; the logits of each of them, [n,V]. */
    FloatTensor decode(Seq2SeqCache cache, long[] ids);

    /** One decode step of several sequences: token b follows {@code caches[b]}; each row's next-token logits. */
    float[][] step(Seq2SeqCache[] caches, long[] tokens);

    /**
     * Beam search: sequence i continues sequence {@code parents[i]} (its self-attention keys and
     * values, length and input become that one's; no sequence shares a buffer with another).
     */
    void reorder(Seq2SeqCache[] caches, int[] parents);

    /**
     * For an int8 model: the decoder logits of {@code decoderIds} after the first row of
     * {@code batch}, on the float32 weights and on int8, compared and kept as
     * {@link #quantizationError()}; the float32 weights are then freed. Empty for other dtypes.
     */
    default java.util.Optional<QuantizationError> measureQuantization(EncoderBatch batch, long[] decoderIds) {
        return java.util.Optional.empty();
    }
}
