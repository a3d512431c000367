package dev.modelport.serving;

import dev.modelport.pipeline.StageListener;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A deployment's time split, as TEI and vLLM export theirs: how long requests wait for the device
 * (queue), tokenize, and run forward passes, and how many tokens each pass carries. The pipeline
 * reports its stages ({@link StageListener}); {@link DynamicBatcher} reports the queue of its
 * requests. A generation's tokens are timed by {@link TokenMeters}.
 */
final class StageMeters implements StageListener {
    /** Tokens in one forward pass: up to a full batch of long texts. */
    private static final int MAX_BATCH_TOKENS = 1 << 16;

    private final Timer queue;
    private final Timer tokenization;
    private final Timer compute;
    private final DistributionSummary batchTokens;

    StageMeters(DeploymentMeters meters) {
        Duration minute = Duration.ofMinutes(1);
        this.queue = meters.timer("modelport.queue.duration",
                "Time a request or generation waited for its first forward pass (the queue and the device)",
                Duration.ofNanos(100_000), minute);
        this.tokenization = meters.timer("modelport.tokenization", "Time of one tokenizer call (a request's or a batch's texts)",
                Duration.ofNanos(10_000), Duration.ofSeconds(1));
        this.compute = meters.timer("modelport.inference.compute", "Time of one forward pass on the device",
                Duration.ofNanos(100_000), minute);
        this.batchTokens = meters.histogram("modelport.batch.tokens", "Tokens in one forward pass, padding left out",
                DeploymentMeters.powersOfTwo(MAX_BATCH_TOKENS));
    }

    @Override
    public void tokenized(long nanos) {
        tokenization.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void waited(long nanos) {
        queue.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void computed(long tokens, long nanos) {
        compute.record(nanos, TimeUnit.NANOSECONDS);
        batchTokens.record(tokens);
    }
}
