package dev.modelport.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Weights on a device, ready for forward passes. Thread-safe for concurrent forwards. */
public interface LoadedModel extends AutoCloseable {

    ModelSpec spec();

    /** {@code cpu} or {@code gpu:N} */
    String device();

    /** {@code float32} or {@code float16} */
    String dtype();

    /** Bytes held by the weights. */
    long memoryBytes();

    /** A fresh manager on the model's device for one request's arrays; the caller closes it. */
    NDManager newManager();

    /**
     * The head's output, attached to {@code manager}: [B,C] for sequence classification, [B,T,C]
     * token classification, [B,T,V] masked LM, [B,T,2] question answering (start, end logits),
     * [B,T,H] for a base model. Always float32.
     */
    NDArray forward(NDManager manager, EncoderBatch batch);

    /** The last hidden state [B,T,H], whatever the head, attached to {@code manager}. Always float32. */
    NDArray hiddenStates(NDManager manager, EncoderBatch batch);

    /** Frees the weights. */
    @Override
    void close();
}
