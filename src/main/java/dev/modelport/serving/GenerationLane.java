package dev.modelport.serving;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationPipeline;
import org.jboss.logging.Logger;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How a generating deployment (text-generation, text2text-generation, summarization, translation)
 * is served, instead of {@link DynamicBatcher}: each generation
 * runs on its caller's (virtual) thread, and the pipeline's own batcher merges the decode steps of
 * all running generations, each forward pass holding the device only for that pass
 * ({@link DeviceLease}). Admission is bounded: MAX_QUEUE_SIZE generations may be in flight
 * (running or waiting for a turn), the next one gets QUEUE_FULL.
 */
final class GenerationLane {
    private static final Logger LOG = Logger.getLogger(GenerationLane.class);

    private final String deploymentId;
    private final GenerationPipeline pipeline;
    private final int maxInFlight;
    private final Semaphore slots;
    private final long timeoutNanos;
    private final TokenMeters tokens;
    private final Accounting accounting;
    private volatile boolean closing;

    /** Where a finished generation is counted: its outcome and its time from admission. */
    @FunctionalInterface
    interface Accounting {
        void record(String outcome, long startNanos);
    }

    GenerationLane(String deploymentId, GenerationPipeline pipeline, int maxInFlight, long timeoutMs, TokenMeters tokens,
                   Accounting accounting) {
        this.deploymentId = deploymentId;
        this.pipeline = pipeline;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.slots = new Semaphore(this.maxInFlight);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.tokens = tokens;
        this.accounting = accounting;
    }

    /** Takes a slot for one generation; QUEUE_FULL when MAX_QUEUE_SIZE generations are in flight. */
    GenerationCall admit() {
        long start = System.nanoTime();
        if (closing) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment " + deploymentId + " is stopping");
        }
        if (!slots.tryAcquire()) {
            accounting.record("rejected", start);
            throw new ModelportException(ErrorCode.QUEUE_FULL, "Deployment " + deploymentId + " has " + maxInFlight
                    + " generations in flight (MAX_QUEUE_SIZE); retry shortly");
        }
        return new GenerationCall(this, start);
    }

    GenerationPipeline pipeline() {
        return pipeline;
    }

    long timeoutNanos() {
        return timeoutNanos;
    }

    boolean closing() {
        return closing;
    }

    /**
     * Counts a token and its time: since admission for a generation's first token, else since its
     * previous token.
     */
    void tokenGenerated(boolean first, long nanos) {
        tokens.token(first, nanos);
    }

    void ended(String outcome, long startNanos) {
        slots.release();
        accounting.record(outcome, startNanos);
    }

    String deploymentId() {
        return deploymentId;
    }

    /** Generations admitted and not yet ended. */
    int inFlight() {
        return maxInFlight - slots.availablePermits();
    }

    /** Refuses new generations, stops the running ones at their next token, and waits (bounded) for them to end. */
    void close(long waitMs) {
        closing = true;
        try {
            if (slots.tryAcquire(maxInFlight, waitMs, TimeUnit.MILLISECONDS)) {
                slots.release(maxInFlight);
            } else {
                LOG.warnf("%s: %d generations still running after %d ms; freeing the pipeline anyway", deploymentId,
                        inFlight(), waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
