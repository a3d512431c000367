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
}
