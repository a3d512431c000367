package dev.modelport.runtime;

/**
 * An encoder (BERT family, DistilBERT) and its head. Every output is float32, copied into Java.
 */
public interface EncoderModel extends LoadedModel {

    /**
     * The head's output: [B,C] for sequence classification, [B,T,C] token classification, [B,T,V]
     * masked LM, [B,T,2] question answering (start, end logits), [B,T,H] for a base model.
     */
    FloatTensor forward(EncoderBatch batch);

    /** A per-token head's output at one position per row, {@code positions[b]} of row b: [B,C]. */
    FloatTensor forwardAt(EncoderBatch batch, int[] positions);

    /** The last hidden state [B,T,H], whatever the head. */
    FloatTensor hiddenStates(EncoderBatch batch);

    /**
     * For an int8 model: runs the batch through the head on the float32 weights and on int8,
     * compares the outputs (real tokens only), keeps the result as {@link #quantizationError()} and
     * frees the float32 weights. Must run before the model serves (it switches the whole model).
     * Empty, and nothing done, for other dtypes.
     */
    default java.util.Optional<QuantizationError> measureQuantization(EncoderBatch batch) {
        return java.util.Optional.empty();
    }
}
