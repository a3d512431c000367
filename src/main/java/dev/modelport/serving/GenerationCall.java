package dev.modelport.serving;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GeneratedToken;
import dev.modelport.pipeline.GenerationListener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One admitted generation. It holds one of its deployment's MAX_QUEUE_SIZE slots from admission
 * until it ends, runs on the caller's thread, and is counted once in the deployment's metrics and
 * stats with its outcome: {@code success}, {@code cancelled} (the client went away),
 * {@code timeout}, {@code bad_input} or {@code error}.
 *
 * <p>A route admits first (so a full deployment answers 429 before any stream starts), then
 * {@link #prepare prepares} (reads parameters, checks the prompt), then runs the generation once
 * with {@link #complete} or {@link #stream}.
 */
public final class GenerationCall {
    private final GenerationLane lane;
    private final long startNanos;
    private final AtomicBoolean ended = new AtomicBoolean();

    GenerationCall(GenerationLane lane, long startNanos) {
        this.lane = lane;
        this.startNanos = startNanos;
    }

    /**
     * Runs a step before the generation (reading its parameters, checking its prompt); an error it
     * throws ends the call (counted, its slot freed) and is rethrown.
     */
    public <T> T prepare(Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            end(ServedModel.outcomeOf(e));
            throw e;
        }
    }

    /**
     * A generation answered whole: INFERENCE_TIMEOUT_MS from admission bounds it. Over time it stops
     * at its next token (its cache freed) and INFERENCE_TIMEOUT is thrown.
     *
     * @param generation runs the pipeline, showing every token to the listener it is given
     */
    public <T> T complete(Function<GenerationListener, T> generation) {
        return run(GenerationListener.NONE, false, generation);
    }

    /**
     * A streamed generation: INFERENCE_TIMEOUT_MS bounds the time to its first token only (a stream
     * shows progress; its client ends it by going away). When {@code client} answers false the
     * generation stops at once and counts as {@code cancelled}.
     */
    public <T> T stream(GenerationListener client, Function<GenerationListener, T> generation) {
        return run(client, true, generation);
    }

    /**
     * Ends a call that will not run because its request failed before generating (one request's
     * several choices are admitted together; when a later one finds the queue full or the prompt is
     * refused, the others end here): counted as {@code rejected} for a full queue, else as the error's
     * outcome, and its slot freed.
     */
    public void abandon(RuntimeException why) {
        end(why instanceof ModelportException e && e.code() == ErrorCode.QUEUE_FULL ? "rejected" : ServedModel.outcomeOf(why));
    }

    /** Milliseconds since admission. */
    public double elapsedMs() {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private <T> T run(GenerationListener client, boolean firstTokenOnly, Function<GenerationListener, T> generation) {
        if (ended.get()) {
            throw new IllegalStateException("this generation has already ended");
        }
        Watch watch = new Watch(client, firstTokenOnly);
        String outcome = "error";
        try {
            T result = generation.apply(watch);
            if (watch.timedOut) {
                outcome = "timeout";
                throw new ModelportException(ErrorCode.INFERENCE_TIMEOUT, (firstTokenOnly ? "The first token took" : "Generation took")
                        + " longer than " + TimeUnit.NANOSECONDS.toMillis(lane.timeoutNanos()) + " ms (INFERENCE_TIMEOUT_MS)");
            }
            if (watch.stopped) {
                throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY,
                        "Deployment " + lane.deploymentId() + " was stopped during the generation");
            }
            outcome = watch.clientGone ? "cancelled" : "success";
            return result;
        } catch (RuntimeException e) {
            if (!"timeout".equals(outcome)) {
                outcome = ServedModel.outcomeOf(e);
            }
            throw e;
        } finally {
            end(outcome);
        }
    }

    private void end(String outcome) {
        if (ended.compareAndSet(false, true)) {
            lane.ended(outcome, startNanos);
        }
    }

    /** Sees every token: counts and times it, enforces the time limit and the deployment's stop, then shows it to the client. */
    private final class Watch implements GenerationListener {
        private final GenerationListener client;
        private final boolean firstTokenOnly;
        /**
         * When each generation's previous token came, by the thread that runs it: a list input runs
         * one generation per thread, all seen by this watch.
         */
        private final Map<Thread, Long> lastToken = new ConcurrentHashMap<>();
        private boolean first = true;
        boolean timedOut;
        boolean stopped;
        boolean clientGone;

        Watch(GenerationListener client, boolean firstTokenOnly) {
            this.client = client;
            this.firstTokenOnly = firstTokenOnly;
        }

        @Override
        public boolean onToken(GeneratedToken token, String finishReason) {
            long now = System.nanoTime();
            Long previous = lastToken.put(Thread.currentThread(), now);
            lane.tokenGenerated(previous == null, now - (previous == null ? startNanos : previous));
            if (lane.closing()) {
                stopped = true;
                return false;
            }
            if ((first || !firstTokenOnly) && System.nanoTime() - startNanos > lane.timeoutNanos()) {
                timedOut = true;
                return false;
            }
            first = false;
            if (!client.onToken(token, finishReason)) {
                clientGone = true;
                return false;
            }
            return true;
        }
    }
}
