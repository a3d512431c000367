package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.GenerationPipeline;
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
 * A pipeline being served. Requests go through the deployment's {@link DynamicBatcher} (bounded
 * queue, 429 when full), and a caller waits at most INFERENCE_TIMEOUT_MS from arrival (504); its
 * work is then dropped from the queue, or its share of a running pass discarded. A generating
 * deployment (text-generation, text2text-generation, summarization, translation) is served by a
 * {@link GenerationLane} instead: generations run on their callers'
 * threads, batched step by step by the pipeline, each pass holding the device for that pass only.
 * Metrics and the Deployment JSON's stats come from the same meters, for every route.
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
    /** Exactly one of these two is set: generation deployments have a lane, the others a batcher. */
    private final DynamicBatcher batcher;
    private final GenerationLane generations;

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
                .description("texts per forward pass (generation: sequences per prefill or decode step)").register(registry);
        meters.add(duration);
        meters.add(batchSizes);
        if (pipeline instanceof GenerationPipeline generation) {
            generation.shareDevice(new DeviceLease(lanes.device(), lanes.workers(), batchSizes));
            Counter tokens = Counter.builder("modelport.generated.tokens").tag("deployment", deploymentId)
                    .description("tokens generated, whatever became of their generation").register(registry);
            meters.add(tokens);
            this.generations = new GenerationLane(deploymentId, generation, lanes.maxQueue(), timeoutMs, tokens,
                    this::record);
            this.batcher = null;
            meters.add(Gauge.builder("modelport.queue.depth", generations, GenerationLane::inFlight)
                    .tag("deployment", deploymentId).description("generations in flight").register(registry));
        } else {
            this.generations = null;
            this.batcher = new DynamicBatcher(deploymentId, pipeline, lanes.device(), lanes.workers(), lanes.maxTexts(),
                    lanes.maxDelayMs(), lanes.maxQueue(), batchSizes);
            meters.add(Gauge.builder("modelport.queue.depth", batcher, DynamicBatcher::waiting)
                    .tag("deployment", deploymentId).register(registry));
        }
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
        if (generations != null) {
            GenerationCall call = generations.admit();
            GenerationPipeline generation = generations.pipeline();
            JsonNode result = call.complete(watch -> generation.run(input.inputs(), input.parameters(), watch));
            return new InferenceResult(result, call.elapsedMs());
        }
        long start = System.nanoTime();
        Pending pending;
        try {
            pending = batcher.submit(input);
        } catch (ModelportException e) {
            record(e.code() == ErrorCode.QUEUE_FULL ? "rejected" : "error", start);
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
                outcome = outcomeOf(me);
                throw me;
            }
            throw new ModelportException(ErrorCode.INTERNAL_ERROR, "Inference failed", e.getCause());
        } catch (InterruptedException e) {
            batcher.abandon(pending);
            Thread.currentThread().interrupt();
            throw new ModelportException(ErrorCode.INTERRUPTED, "Inference interrupted");
        } finally {
            record(outcome, start);
        }
    }

    /**
     * Admits one generation on a generating deployment (text-generation and the encoder-decoder
     * tasks), for the routes that drive it themselves (token streams, OpenAI routes, the WebSocket).
     * Throws QUEUE_FULL when MAX_QUEUE_SIZE generations are in flight, UNSUPPORTED_TASK for other tasks.
     */
    public GenerationCall admitGeneration() {
        if (generations == null) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + deploymentId + "' serves " + task
                    + "; only text-generation, text2text-generation, summarization and translation deployments generate text");
        }
        return generations.admit();
    }

    /** The metric outcome of a request that failed with {@code e}. */
    static String outcomeOf(RuntimeException e) {
        return e instanceof ModelportException me
                && (me.code() == ErrorCode.INVALID_INPUT || me.code() == ErrorCode.INPUT_TOO_LARGE) ? "bad_input" : "error";
    }

    /** Tokens the texts make for this model, if its pipeline can count them. */
    public OptionalInt countTokens(List<String> texts) {
        return pipeline.countTokens(texts);
    }

    /** Counts a request's outcome and, unless it was turned away at the door, its time. */
    private void record(String outcome, long startNanos) {
        if (!"rejected".equals(outcome)) {
            duration.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
        outcomes.computeIfAbsent(outcome, o -> {
            Counter c = Counter.builder("modelport.inference.requests").tag("deployment", deploymentId).tag("task", task)
                    .tag("outcome", o).register(registry);
            meters.add(c);
            return c;
        }).increment();
    }

    /**
     * Requests answered (any outcome, rejections included), those that failed (a stream whose client
     * went away did not fail), and the mean time of those that were not turned away.
     */
    public ServingStats stats() {
        double all = outcomes.values().stream().mapToDouble(Counter::count).sum();
        double errors = all - count("success") - count("cancelled");
        return new ServingStats((long) all, (long) errors, duration.count() == 0 ? 0.0 : duration.mean(TimeUnit.MILLISECONDS));
    }

    private double count(String outcome) {
        Counter c = outcomes.get(outcome);
        return c == null ? 0 : c.count();
    }

    /** Stops the queue, waits for running passes or generations, removes this deployment's meters and frees the pipeline. */
    void close() {
        if (generations != null) {
            generations.close(CLOSE_WAIT_MS);
        } else {
            batcher.close(CLOSE_WAIT_MS);
        }
        meters.forEach(registry::remove);
        pipeline.close();
    }
}
