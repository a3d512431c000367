package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.DecoderCache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

/**
 * The device queue of one model's generations: forward passes run one at a time, in fair (FIFO)
 * turns, and the decode steps that are waiting when a turn comes up run together as one batched
 * step (continuous batching: generations join and leave between steps). Batch-1 decoding is bound
 * by reading the weights, so a batch of B steps costs little more than one.
 *
 * <p>Leader/follower, no thread of its own: whoever gets the turn runs every pending step, and the
 * generations whose steps it ran find their logits ready when their own turn comes.
 */
final class GenerationBatcher {
    private final DecoderModel model;
    private final int maxRows;
    private final Semaphore turns = new Semaphore(1, true);
    private final ArrayDeque<Step> pending = new ArrayDeque<>();
    /** Generations between their prefill and their end, each about to submit a decode step. */
    private int active;
    /** Lends each pass the device; set once by the serving layer before the first generation. */
    private volatile DeviceGate gate = DeviceGate.DIRECT;

    private record Step(DecoderCache cache, long token, CompletableFuture<float[]> logits) {
    }

    GenerationBatcher(DecoderModel model, int maxRows) {
        this.model = model;
        this.maxRows = maxRows;
    }

    /**
     * How long a turn waits for the steps of active generations that are still sampling or
     * streaming their last token, so that a batch is not split into stragglers.
     */
    private static final long GATHER_NANOS = 2_000_000;

    void gate(DeviceGate deviceGate) {
        this.gate = deviceGate;
    }

    /** A generation starts decoding (after its prefill); pair with {@link #leave()}. */
    void join() {
        synchronized (pending) {
            active++;
        }
    }

    void leave() {
        synchronized (pending) {
            active--;
            pending.notifyAll();
        }
    }

    /** Runs a prompt (or a whole sequence, without cache) alone, in turn. */
    float[] prefill(java.util.function.Supplier<float[]> forward) {
        turns.acquireUninterruptibly();
        try {
            return gate.pass(1, forward);
        } finally {
            turns.release();
        }
    }

    /** One decode step: {@code token} appended to {@code cache}; returns the next-token logits. */
    float[] step(DecoderCache cache, long token) {
        Step mine = new Step(cache, token, new CompletableFuture<>());
        synchronized (pending) {
            pending.add(mine);
            pending.notifyAll();
        }
        // uninterruptible: once queued, a step may be run by another generation's turn, and the
        // cache must outlive it; the caller checks for interruption after the step
        turns.acquireUninterruptibly();
        try {
            while (!mine.logits().isDone()) {
                runBatch();
            }
        } finally {
            turns.release();
        }
        try {
            return mine.logits().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "the decoder step failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
        }
    }

    private void runBatch() {
        List<Step> batch = new ArrayList<>();
        synchronized (pending) {
            long deadline = System.nanoTime() + GATHER_NANOS;
            long left;
            while (pending.size() < Math.min(active, maxRows) && (left = deadline - System.nanoTime()) > 0) {
                try {
                    pending.wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // checked by the generation after its step
                    break;
                }
            }
            while (!pending.isEmpty() && batch.size() < maxRows) {
                batch.add(pending.poll());
            }
        }
        DecoderCache[] caches = new DecoderCache[batch.size()];
        long[] tokens = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            caches[i] = batch.get(i).cache();
            tokens[i] = batch.get(i).token();
        }
        try {
            float[][] rows = gate.pass(batch.size(), () -> model.nextLogitsRows(caches, tokens));
            for (int i = 0; i < rows.length; i++) {
                batch.get(i).logits().complete(rows[i]);
            }
        } catch (RuntimeException e) {
            batch.forEach(s -> s.logits().completeExceptionally(e));
        }
    }
}
