package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.GenerationPipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
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
    private final DeploymentMeters meters;
    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final Timer duration;
    /** Exactly one of these two is set: generation deployments have a lane, the others a batcher. */
    private final DynamicBatcher batcher;
    private final GenerationLane generations;

    ServedModel(String deploymentId, String task, Pipeline pipeline, Lanes lanes, long timeoutMs, MeterRegistry registry,
                long memoryBytes) {
        this.deploymentId = deploymentId;
        this.task = task;
        this.pipeline = pipeline;
        this.timeoutMs = timeoutMs;
        this.meters = new DeploymentMeters(deploymentId, registry);
        this.duration = meters.timer("modelport.inference.duration",
                "Time of a request from its arrival to its answer (a generation: to its last token)", Duration.ofMillis(1),
                Duration.ofMinutes(5)); // a stream is bounded by its first token only: it may run for minutes
        DistributionSummary batchSizes = meters.histogram("modelport.batch.size",
                "Texts per forward pass (generation: sequences per prefill or decode step)", DeploymentMeters.powersOfTwo(256));
        StageMeters stages = new StageMeters(meters);
        // one description for both kinds of deployment: a Prometheus family has one HELP text
        String queueDepth = "Requests waiting for a forward pass; on a generating deployment, generations in flight";
        pipeline.listen(stages);
        if (pipeline instanceof GenerationPipeline generation) {
            generation.shareDevice(new DeviceLease(lanes.device(), lanes.workers(), batchSizes));
            this.generations = new GenerationLane(deploymentId, generation, lanes.maxQueue(), timeoutMs,
                    new TokenMeters(meters), this::record);
            this.batcher = null;
            meters.gauge("modelport.queue.depth", queueDepth, null, generations, GenerationLane::inFlight);
        } else {
            this.generations = null;
            this.batcher = new DynamicBatcher(deploymentId, pipeline, lanes.device(), lanes.workers(), lanes.maxTexts(),
                    lanes.maxDelayMs(), lanes.maxQueue(), batchSizes, stages);
            meters.gauge("modelport.queue.depth", queueDepth, null, batcher, DynamicBatcher::waiting);
        }
        meters.gauge("modelport.model.memory.bytes", "Estimated memory of the loaded model", "bytes", this, m -> memoryBytes);
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
        outcomes.computeIfAbsent(outcome, o -> meters.counter("modelport.inference.requests",
                "Requests by outcome: success, bad_input, error, timeout, rejected (queue full), cancelled (client gone)",
                "task", task, "outcome", o)).increment();
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
        meters.removeAll();
        pipeline.close();
    }
}
