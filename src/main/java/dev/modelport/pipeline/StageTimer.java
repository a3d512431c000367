package dev.modelport.pipeline;

import java.util.function.Supplier;

/**
 * Times one pipeline's stages and reports them to its {@link StageListener}. Shared by the parts
 * of a pipeline (its tokenizers, its model context, its generation batcher); the listener is set
 * once the pipeline is served and is {@link StageListener#NONE} until then.
 */
final class StageTimer {
    private volatile StageListener listener = StageListener.NONE;

    void listen(StageListener stageListener) {
        this.listener = stageListener;
    }

    /** Runs a tokenizer call and reports its time. */
    <T> T tokenize(Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            listener.tokenized(System.nanoTime() - start);
        }
    }

    /** Runs one forward pass over {@code tokens} tokens and reports its time. */
    <T> T forward(long tokens, Supplier<T> pass) {
        long start = System.nanoTime();
        try {
            return pass.get();
        } finally {
            listener.computed(tokens, System.nanoTime() - start);
        }
    }

    /** Reports the wait of a pass that was asked for at {@code askedNanos} and starts now. */
    void waitedSince(long askedNanos) {
        listener.waited(System.nanoTime() - askedNanos);
    }
}
