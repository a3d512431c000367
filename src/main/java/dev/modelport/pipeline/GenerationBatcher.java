package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The device queue of one model's generations: forward passes run one at a time, in fair (FIFO)
 * turns, and the decode steps that are waiting when a turn comes up run together as one batched
 * step (continuous batching: generations join and leave between steps). Batch-1 decoding is bound
 * by reading the weights, so a batch of B steps costs little more than one.
 *
 * <p>A generation submits the rows of its step at once: one for a causal LM's or a greedy
 * encoder-decoder's sequence, one per beam for a beam search. A turn takes whole submissions, up to
 * {@code maxRows} rows (a submission larger than that runs alone).
 *
 * <p>Leader/follower, no thread of its own: whoever gets the turn runs every pending step, and the
 * generations whose steps it ran find their logits ready when their own turn comes.
 *
 * @param <C> a sequence's cache handle ({@code DecoderCache}, {@code Seq2SeqCache})
 */
final class GenerationBatcher<C> {

    /** One batched decode step: token b follows cache b; each row's next-token logits. */
    @FunctionalInterface
    interface Stepper<C> {
        float[][] step(List<C> caches, long[] tokens);
    }

    private final Stepper<C> stepper;
    private final int maxRows;
    /** Times the passes (a decode step runs one token per row). */
    private final StageTimer timer;
    private final Semaphore turns = new Semaphore(1, true);
    private final ArrayDeque<Step<C>> pending = new ArrayDeque<>();
    /** Generations between their prefill and their end, each about to submit a decode step. */
    private int active;
    /** Lends each pass the device; set once by the serving layer before the first generation. */
    private volatile DeviceGate gate = DeviceGate.DIRECT;

    private record Step<C>(List<C> caches, long[] tokens, CompletableFuture<float[][]> logits) {
    }

    GenerationBatcher(Stepper<C> stepper, int maxRows, StageTimer timer) {
        this.stepper = stepper;
        this.maxRows = maxRows;
        this.timer = timer;
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

    /**
     * Runs a pass alone, in turn: a prompt's prefill, a whole sequence without cache, an encoder.
     * Its wait for the turn and the device is reported as the generation's wait (the queue time of
     * the metrics), its run as a forward pass.
     *
     * @param sequences the sequences in the pass (for the batch-size metric)
     * @param tokens the tokens it runs, padding left out (for the batch-tokens metric)
     */
    <T> T prefill(int sequences, long tokens, Supplier<T> forward) {
        long asked = System.nanoTime();
        turns.acquireUninterruptibly();
        try {
            return gate.pass(sequences, () -> {
                timer.waitedSince(asked);
                return timer.forward(tokens, forward);
            });
        } finally {
            turns.release();
        }
    }

    /** One decode step: {@code token} appended to {@code cache}; returns the next-token logits. */
    float[] step(C cache, long token) {
        return steps(List.of(cache), new long[] {token})[0];
    }

    /** One decode step of several sequences of one generation (a beam search's beams), batched with the others'. */
    float[][] steps(List<C> caches, long[] tokens) {
        if (caches.size() != tokens.length || tokens.length == 0) {
            throw new IllegalArgumentException("one token per cache");
        }
        Step<C> mine = new Step<>(List.copyOf(caches), tokens.clone(), new CompletableFuture<>());
        synchronized (pending) {
            pending.add(mine);
            pending.notifyAll();
        }
        // uninterruptible: once queued, a step may be run by another generation's turn, and the
        // caches must outlive it; the caller checks for interruption after the step
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
        List<Step<C>> batch = new ArrayList<>();
        int rows = 0;
        synchronized (pending) {
            long deadline = System.nanoTime() + GATHER_NANOS;
            long left;
            while (pending.size() < active && pendingRows() < maxRows && (left = deadline - System.nanoTime()) > 0) {
                try {
                    pending.wait(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // checked by the generation after its step
                    break;
                }
            }
            while (!pending.isEmpty() && (batch.isEmpty() || rows + pending.peek().tokens().length <= maxRows)) {
                Step<C> next = pending.poll();
                batch.add(next);
                rows += next.tokens().length;
            }
        }
        List<C> caches = new ArrayList<>(rows);
        long[] tokens = new long[rows];
        int at = 0;
        for (Step<C> s : batch) {
            caches.addAll(s.caches());
            System.arraycopy(s.tokens(), 0, tokens, at, s.tokens().length);
            at += s.tokens().length;
        }
        try {
            float[][] all = gate.pass(rows, () -> timer.forward(tokens.length, () -> stepper.step(caches, tokens)));
            int from = 0;
            for (Step<C> s : batch) {
                int n = s.tokens().length;
                float[][] mine = new float[n][];
                System.arraycopy(all, from, mine, 0, n);
                from += n;
                s.logits().complete(mine);
            }
        } catch (RuntimeException e) {
            batch.forEach(s -> s.logits().completeExceptionally(e));
        }
    }

    private int pendingRows() {
        int rows = 0;
        for (Step<C> s : pending) {
            rows += s.tokens().length;
        }
        return rows;
    }
}
