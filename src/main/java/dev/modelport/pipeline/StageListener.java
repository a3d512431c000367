package dev.modelport.pipeline;

/**
 * What a pipeline tells the serving layer about the stages of its work, for the per-deployment
 * time split in the metrics (tokenization, waiting for the device, forward passes). The pipeline
 * knows no meters; the serving layer plugs in the listener once the pipeline is served. Called
 * from any thread.
 */
public interface StageListener {

    /** Reports nothing (a pipeline that is not served: warm-up, tests, benchmarks). */
    StageListener NONE = new StageListener() {
        @Override
        public void tokenized(long nanos) {
        }

        @Override
        public void waited(long nanos) {
        }

        @Override
        public void computed(long tokens, long nanos) {
        }
    };

    /** One tokenizer call (a request's or a batch's texts, a prompt) took {@code nanos}. */
    void tokenized(long nanos);

    /** A generation waited {@code nanos} for its first forward pass (its turn on the device). */
    void waited(long nanos);

    /** One forward pass over {@code tokens} tokens (padding left out) ran for {@code nanos}. */
    void computed(long tokens, long nanos);
}
