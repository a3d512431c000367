package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.StageListener;
import io.micrometer.core.instrument.DistributionSummary;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One deployment's request queue and its dispatcher. The dispatcher takes the oldest request, waits
 * for a pass on the device (while it waits, more requests queue up: under load batches fill by
 * themselves), then gathers compatible requests until the batch is full or {@code maxDelay} after the
 * first request arrived, and hands the batch to one of the device's worker threads, which holds the
 * permit while the pipeline runs. Requests that were abandoned (timed out) before their batch ran are skipped.
 */
final class DynamicBatcher {
    private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);

    private final String deploymentId;
    private final Pipeline pipeline;
    private final Semaphore device;
    private final ExecutorService workers;
    private final int maxTexts;
    private final long maxDelayNanos;
    private final BlockingQueue<Pending> queue;
    private final DistributionSummary batchSizes;
    /** Told each request's wait, from arrival to the start of its pass. */
    private final StageListener stages;
    /** Batches hold the read side; close takes the write side so the pipeline is never freed under a pass. */
    private final ReadWriteLock passes = new ReentrantReadWriteLock();
    private final Thread dispatcher;
    private volatile boolean closed;

    DynamicBatcher(String deploymentId, Pipeline pipeline, Semaphore device, ExecutorService workers, int maxTexts,
                   long maxDelayMs, int maxQueue, DistributionSummary batchSizes, StageListener stages) {
        this.deploymentId = deploymentId;
        this.pipeline = pipeline;
        this.device = device;
        this.workers = workers;
        this.maxTexts = Math.max(1, maxTexts);
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxDelayMs));
        this.queue = new LinkedBlockingQueue<>(Math.max(1, maxQueue));
        this.batchSizes = batchSizes;
        this.stages = stages;
        this.dispatcher = Thread.ofVirtual().name("batcher-" + deploymentId).start(this::dispatch);
    }

    /** Queues a request; throws QUEUE_FULL when MAX_QUEUE_SIZE requests are already waiting. */
    Pending submit(InferenceInput input) {
        Pending p = new Pending(input, System.nanoTime());
        if (closed || !queue.offer(p)) {
            throw new ModelportException(closed ? ErrorCode.DEPLOYMENT_NOT_READY : ErrorCode.QUEUE_FULL, closed
                    ? "Deployment " + deploymentId + " is stopping"
                    : "Deployment " + deploymentId + " has " + (queue.size()) + " requests waiting (MAX_QUEUE_SIZE); retry shortly");
        }
        // close() may have drained the queue between the check and the offer: nothing would take
        // this request any more, so it must not stay there
        if (closed && queue.remove(p)) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment " + deploymentId + " is stopping");
        }
        return p;
    }

    /** Drops a request the caller gave up on: out of the queue if it is still there, skipped otherwise. */
    void abandon(Pending p) {
        p.result.cancel(false);
        queue.remove(p);
    }

    int waiting() {
        return queue.size();
    }

    private void dispatch() {
        Pending held = null;
        // taken from the queue but not yet handed to a worker: answered here if the dispatch fails
        List<Pending> members = new java.util.ArrayList<>();
        while (!closed) {
            try {
                Pending first = held != null ? held : queue.take();
                held = null;
                if (first.abandoned()) {
                    continue;
                }
                members.add(first);
                device.acquire();
                boolean handedOver = false;
                try {
                    Batch batch = new Batch(first.input, maxTexts);
                    held = gather(batch, members, first.arrivedNanos + maxDelayNanos);
                    List<Pending> running = members;
                    workers.execute(() -> runHoldingPermit(running));
                    handedOver = true;
                    members = new java.util.ArrayList<>();
                } finally {
                    if (!handedOver) {
                        device.release();
                    }
                }
            } catch (InterruptedException e) {
                if (!closed) {
                    LOG.warnf("batcher of %s interrupted", deploymentId);
                }
                break;
            } catch (RuntimeException e) {
                LOG.errorf(e, "batcher of %s failed to dispatch", deploymentId);
                members.forEach(p -> p.result.completeExceptionally(e));
                members = new java.util.ArrayList<>();
            }
        }
        if (held != null) {
            members.add(held);
        }
        members.forEach(p -> p.result.completeExceptionally(stopped()));
        // a request offered while the dispatcher stopped is answered by close() or by submit()
    }

    private ModelportException stopped() {
        return new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment " + deploymentId + " was stopped");
    }

    /** Adds queued requests to the batch; returns the first one that could not join, to lead the next batch. */
    private Pending gather(Batch batch, List<Pending> members, long deadline) throws InterruptedException {
        while (batch.hasRoom()) {
            Pending next = queue.poll();
            if (next == null) {
                long wait = deadline - System.nanoTime();
                if (wait <= 0 || (next = queue.poll(wait, TimeUnit.NANOSECONDS)) == null) {
                    return null;
                }
            }
            if (next.abandoned()) {
                continue;
            }
            if (!batch.tryAdd(next.input)) {
                return next;
            }
            members.add(next);
        }
        return null;
    }

    private void runHoldingPermit(List<Pending> members) {
        passes.readLock().lock();
        try {
            run(members.stream().filter(p -> !p.abandoned()).toList());
        } finally {
            passes.readLock().unlock();
            device.release();
        }
    }

    private void run(List<Pending> live) {
        if (live.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        live.forEach(p -> stages.waited(start - p.arrivedNanos));
        List<InferenceInput> inputs = live.stream().map(p -> p.input).toList();
        batchSizes.record(inputs.stream().mapToInt(InferenceInput::count).sum());
        if (live.size() == 1) {
            runAlone(live.getFirst());
            return;
        }
        List<JsonNode> parts;
        try {
            parts = Batch.split(pipeline.run(Batch.merge(inputs), inputs.getFirst().parameters()), inputs);
        } catch (ModelportException e) {
            // one request's input may spoil the merged call: give each its own answer (and its own error)
            live.forEach(this::runAlone);
            return;
        } catch (RuntimeException | Error e) {
            live.forEach(p -> p.result.completeExceptionally(e));
            return;
        }
        for (int i = 0; i < live.size(); i++) {
            live.get(i).result.complete(parts.get(i));
        }
    }

    private void runAlone(Pending p) {
        if (p.abandoned()) {
            return;
        }
        try {
            p.result.complete(pipeline.run(p.input.inputs(), p.input.parameters()));
        } catch (RuntimeException | Error e) {
            p.result.completeExceptionally(e);
        }
    }

    /** Stops taking requests, fails those still queued, and waits (bounded) for running passes to end. */
    void close(long waitMs) {
        closed = true;
        dispatcher.interrupt();
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result.completeExceptionally(stopped());
        }
        try {
            if (passes.writeLock().tryLock(waitMs, TimeUnit.MILLISECONDS)) {
                passes.writeLock().unlock();
            } else {
                LOG.warnf("%s: a forward pass was still running after %d ms; freeing the pipeline anyway", deploymentId, waitMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
