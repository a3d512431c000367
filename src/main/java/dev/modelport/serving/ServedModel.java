package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pipeline being served: requests go through the deployment's {@link DynamicBatcher} (bounded
 * queue, 429 when full), and a caller waits at most INFERENCE_TIMEOUT_MS from arrival (504); its
 * work is then dropped from the queue, or its share of a running pass discarded. Metrics and the
 * Deployment JSON's stats come from the same meters.
 */
public final class ServedModel {
    private static final long CLOSE_WAIT_MS = 30_000;

    private final String deploymentId;
    private final String task;
    private final Pipeline pipeline;
    private final long timeoutMs;
    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Timer duration;
    private final DistributionSummary batchSizes;
    private final DynamicBatcher batcher;

    ServedModel(String deploymentId, String task, Pipeline pipeline, Lanes lanes, long timeoutMs, MeterRegistry registry,
                long memoryBytes) {
        this.deploymentId = deploymentId;
        this.task = task;
        this.pipeline = pipeline;
        this.timeoutMs = timeoutMs;
        this.registry = registry;
        this.duration = Timer.builder("modelport.inference.duration").tag("deployment", deploymentId)
                .publishPercentileHistogram().register(registry);
        this.batchSizes = DistributionSummary.builder("modelport.batch.size").tag("deployment", deploymentId)
                .description("texts per forward pass").register(registry);
        meters.add(duration);
        meters.add(batchSizes);
        this.batcher = new DynamicBatcher(deploymentId, pipeline, lanes.device(), lanes.workers(), lanes.maxTexts(),
                lanes.maxDelayMs(), lanes.maxQueue(), batchSizes);
        meters.add(Gauge.builder("modelport.queue.depth", batcher, DynamicBatcher::waiting)
                .tag("deployment", deploymentId).register(registry));
        meters.add(Gauge.builder("modelport.model.memory.bytes", () -> memoryBytes)
                .tag("deployment", deploymentId).baseUnit("bytes").register(registry));
    }

    /** Where a deployment's passes run and how its requests are batched and queued. */
    record Lanes(java.util.concurrent.Semaphore device, java.util.concurrent.ExecutorService workers, int maxTexts,
                 long maxDelayMs, int maxQueue) {
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
        Pending pending;
        try {
            pending = batcher.submit(input);
        } catch (ModelportException e) {
            count(e.code() == ErrorCode.QUEUE_FULL ? "rejected" : "error");
            throw e;
        }
        String outcome = "error";
        try {
            JsonNode result = pending.result.get(timeoutMs, TimeUnit.MILLISECONDS);
            outcome = "success";
            return new InferenceResult(result, (System.nanoTime() - start) / 1e6);
        } catch (TimeoutException | CancellationException e) {
            batcher.abandon(pending);
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
            batcher.abandon(pending);
            Thread.currentThread().interrupt();
            throw new ModelportException(ErrorCode.INTERRUPTED, "Inference interrupted");
        } finally {
            duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            count(outcome);
        }
    }

    /** Tokens the texts make for this model, if its pipeline can count them. */
    public OptionalInt countTokens(List<String> texts) {
        return pipeline.countTokens(texts);
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, o -> {
            Counter c = Counter.builder("modelport.inference.requests").tag("deployment", deploymentId).tag("task", task)
                    .tag("outcome", o).register(registry);
            meters.add(c);
            return c;
        }).increment();
    }

    /** Requests answered (any outcome, rejections included), those that failed, and the mean time of the timed ones. */
    public ServingStats stats() {
        double all = outcomes.values().stream().mapToDouble(Counter::count).sum();
        Counter ok = outcomes.get("success");
        double errors = all - (ok == null ? 0 : ok.count());
        return new ServingStats((long) all, (long) errors, duration.count() == 0 ? 0.0 : duration.mean(TimeUnit.MILLISECONDS));
    }

    /** Stops the queue, waits for running passes, removes this deployment's meters and frees the pipeline. */
    void close() {
        batcher.close(CLOSE_WAIT_MS);
        meters.forEach(registry::remove);
        pipeline.close();
    }
}
