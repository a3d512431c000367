package dev.modelport.serving;

import dev.modelport.pipeline.StageListener;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A deployment's time split, as TEI and vLLM export theirs: how long requests wait for the device
 * (queue), tokenize, and run forward passes, how many tokens each pass carries, and for generations
 * the time to the first token and between tokens. The pipeline reports its stages
 * ({@link StageListener}); the serving layer reports the queue of {@link DynamicBatcher} and the
 * tokens a {@link GenerationCall} sees.
 */
final class StageMeters implements StageListener {
    /** Tokens in one forward pass: up to a full batch of long texts. */
    private static final int MAX_BATCH_TOKENS = 1 << 16;

    private final Timer queue;
    private final Timer tokenization;
    private final Timer compute;
    private final DistributionSummary batchTokens;
    private final Timer firstToken;
    private final Timer interToken;

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
        this.firstToken = meters.timer("modelport.time.to.first.token",
                "Time from a generation's admission to its first token", Duration.ofMillis(1), minute);
        this.interToken = meters.timer("modelport.inter.token.latency",
                "Time between two consecutive tokens of one generation", Duration.ofNanos(100_000), Duration.ofSeconds(10));
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

    void firstToken(long nanos) {
        firstToken.record(nanos, TimeUnit.NANOSECONDS);
    }

    void interToken(long nanos) {
        interToken.record(nanos, TimeUnit.NANOSECONDS);
    }
}
