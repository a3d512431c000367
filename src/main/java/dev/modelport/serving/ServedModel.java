package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pipeline being served: requests wait for a device permit in a bounded queue, run on a virtual
 * thread, and are abandoned (the caller gets 504) when they exceed the time limit.
 */
public final class ServedModel {
    private final String deploymentId;
    private final String task;
    private final Pipeline pipeline;
    private final Semaphore devicePermits;
    private final ExecutorService executor;
    private final int maxQueue;
    private final long timeoutMs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder latencyMicros = new LongAdder();
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer duration;

    ServedModel(String deploymentId, String task, Pipeline pipeline, Semaphore devicePermits, ExecutorService executor,
                int maxQueue, long timeoutMs, MeterRegistry registry, long memoryBytes) {
        this.deploymentId = deploymentId;
        this.task = task;
        this.pipeline = pipeline;
        this.devicePermits = devicePermits;
        this.executor = executor;
        this.maxQueue = maxQueue;
        this.timeoutMs = timeoutMs;
        this.registry = registry;
        this.duration = Timer.builder("modelport.inference.duration").tag("deployment", deploymentId)
                .publishPercentileHistogram().register(registry);
        meters.add(duration);
        meters.add(Gauge.builder("modelport.queue.depth", inFlight, AtomicInteger::get)
                .tag("deployment", deploymentId).register(registry));
        meters.add(Gauge.builder("modelport.model.memory.bytes", () -> memoryBytes)
                .tag("deployment", deploymentId).baseUnit("bytes").register(registry));
    }

    public String deploymentId() {
        return deploymentId;
    }

    public String task() {
        return task;
    }

    /** The served pipeline, for routes that drive it themselves (token streaming). */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** Runs one request; throws QUEUE_FULL, INFERENCE_TIMEOUT or the pipeline's own errors. */
    public InferenceResult infer(InferenceInput input) {
        long start = System.nanoTime();
        if (inFlight.incrementAndGet() > maxQueue) {
            inFlight.decrementAndGet();
            count("rejected");
            throw new ModelportException(ErrorCode.QUEUE_FULL,
                    "Deployment " + deploymentId + " has " + maxQueue + " requests waiting (MAX_QUEUE_SIZE); retry shortly");
        }
        Future<JsonNode> future = executor.submit(() -> {
            devicePermits.acquire();
            try {
                return pipeline.run(input.inputs(), input.parameters());
            } finally {
                devicePermits.release();
            }
        });
        String outcome = "error";
        try {
            JsonNode result = future.get(timeoutMs, TimeUnit.MILLISECONDS);
            outcome = "success";
            return new InferenceResult(result, (System.nanoTime() - start) / 1e6);
        } catch (TimeoutException e) {
            future.cancel(true);
            outcome = "timeout";
            throw new ModelportException(ErrorCode.INFERENCE_TIMEOUT,
                    "Inference took longer than " + timeoutMs + " ms (INFERENCE_TIMEOUT_MS)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ModelportException me) {
                outcome = me.code() == ErrorCode.INVALID_INPUT || me.code() == ErrorCode.INPUT_TOO_LARGE ? "bad_input" : "error";
                throw me;
            }
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "Inference failed", e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelportException(ErrorCode.INTERRUPTED, "Inference interrupted");
        } finally {
            inFlight.decrementAndGet();
            long micros = (System.nanoTime() - start) / 1000;
            requests.increment();
            latencyMicros.add(micros);
            if (!outcome.equals("success")) {
                errors.increment();
            }
            duration.record(micros, TimeUnit.MICROSECONDS);
            count(outcome);
        }
    }

    private void count(String outcome) {
        Counter c = Counter.builder("modelport.inference.requests").tag("deployment", deploymentId).tag("task", task)
                .tag("outcome", outcome).register(registry);
        c.increment();
        synchronized (meters) {
            if (!meters.contains(c)) {
                meters.add(c);
            }
        }
    }

    public ServingStats stats() {
        long n = requests.sum();
        return new ServingStats(n, errors.sum(), n == 0 ? 0.0 : latencyMicros.sum() / 1000.0 / n);
    }

    /** Removes this deployment's meters and frees the pipeline. */
    void close() {
        synchronized (meters) {
            meters.forEach(registry::remove);
        }
        pipeline.close();
    }
}
