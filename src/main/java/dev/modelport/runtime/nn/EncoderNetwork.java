package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.EncoderBatch;

/**
 * A loaded encoder: its body up to the last hidden state and its head. Both put every array they
 * create in the request's manager (or in arrays derived from its inputs), never in the weights'
 * manager, and are safe to call concurrently.
 */
public record EncoderNetwork(Body body, HeadBlock head) {

    /** Embeddings and layers: token ids to the last hidden state {@code [B,T,H]} in the weights' dtype. */
    @FunctionalInterface
    public interface Body {
        NDArray forward(NDManager manager, EncoderBatch batch);
    }

    /** From the last hidden state to the head's output. */
    @FunctionalInterface
    public interface HeadBlock {
        NDArray forward(NDArray hiddenStates);
    }

    /** The base model's head. */
    public static final HeadBlock IDENTITY = h -> h;

    public NDArray hiddenStates(NDManager manager, EncoderBatch batch) {
        return body.forward(manager, batch);
    }

    public NDArray headOutput(NDArray hiddenStates) {
        return head.forward(hiddenStates);
    }

    /** The first token's vector {@code [B,H]} ({@code [CLS]} or {@code <s>}), which sentence heads read. */
    public static NDArray firstToken(NDArray hiddenStates) {
        return hiddenStates.get(":, 0");
    }
}
