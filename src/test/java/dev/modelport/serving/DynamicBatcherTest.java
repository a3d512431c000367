package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.StageListener;
import dev.modelport.pipeline.Task;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batcher with a device that is busy: requests queued meanwhile run as one call once it frees,
 * each getting its own answer. The pipeline here upper-cases texts, so every answer can be checked.
 */
class DynamicBatcherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DistributionSummary sizes = DistributionSummary.builder("batch").register(meters);
    private final Semaphore device = new Semaphore(1);
    private final UpperCase pipeline = new UpperCase();
    private DynamicBatcher batcher;

    /** Text in, upper-cased text out, per text; "!" is refused as bad input; records every call's inputs. */
    static final class UpperCase implements Pipeline {
        final List<JsonNode> calls = new CopyOnWriteArrayList<>();

        @Override
        public Task task() {
            return Task.TEXT_CLASSIFICATION;
        }

        @Override
        public void listen(StageListener listener) {
        }

        @Override
        public JsonNode run(JsonNode inputs, JsonNode parameters) {
            calls.add(inputs);
            return inputs.isTextual() ? upper(JsonNodeFactory.instance.arrayNode().add(inputs)).get(0) : upper(inputs);
        }

        private static JsonNode upper(JsonNode inputs) {
            var out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode t : inputs) {
                if (!t.isTextual() || t.asText().equals("!")) {
                    throw new ModelportException(ErrorCode.INVALID_INPUT, "not a string");
                }
                out.add(t.asText().toUpperCase(Locale.ROOT));
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close(1000);
        }
        workers.shutdownNow();
    }

    private static InferenceInput input(String json) throws Exception {
        return InferenceInput.parse(JSON.readTree(json));
    }

    @Test
    void requestsQueuedWhileTheDeviceIsBusyShareOneCall() throws Exception {
        batcher = new DynamicBatcher("t", pipeline, device, workers, 16, 0, 100, sizes, StageListener.NONE);
        device.acquire();
        List<Pending> pending = new ArrayList<>();
        pending.add(batcher.submit(input("{\"inputs\": \"a\"}")));
        pending.add(batcher.submit(input("{\"inputs\": [\"b\", \"c\"]}")));
        pending.add(batcher.submit(input("{\"text\": \"d\"}")));
        // the dispatcher holds the first request and waits for the device; the rest stay queued
        while (batcher.waiting() > 2) {
            Thread.sleep(5);
        }
        device.release();
        assertEquals("A", pending.get(0).result.get(10, TimeUnit.SECONDS).asText());
        assertEquals(JSON.readTree("[\"B\", \"C\"]"), pending.get(1).result.get(10, TimeUnit.SECONDS));
        assertEquals("D", pending.get(2).result.get(10, TimeUnit.SECONDS).asText());
        assertEquals(List.of(JSON.readTree("[\"a\", \"b\", \"c\", \"d\"]")), pipeline.calls, "one call for all four texts");
        assertEquals(4.0, sizes.max());
    }

    @Test
    void aBadRequestInAMergedCallFailsAloneAndTheOthersStillGetAnswers() throws Exception {
        batcher = new DynamicBatcher("t", pipeline, device, workers, 16, 0, 100, sizes, StageListener.NONE);
        device.acquire();
        Pending good = batcher.submit(input("{\"inputs\": \"a\"}"));
        Pending bad = batcher.submit(input("{\"inputs\": \"!\"}"));
        while (batcher.waiting() > 1) {
            Thread.sleep(5);
        }
        device.release();
        assertEquals("A", good.result.get(10, TimeUnit.SECONDS).asText());
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> bad.result.get(10, TimeUnit.SECONDS));
        assertEquals(ErrorCode.INVALID_INPUT, ((ModelportException) e.getCause()).code());
    }

    @Test
    void theQueueIsBoundedAndAbandonedRequestsAreDroppedUnrun() throws Exception {
        batcher = new DynamicBatcher("t", pipeline, device, workers, 1, 0, 2, sizes, StageListener.NONE);
        device.acquire();
        Pending first = batcher.submit(input("{\"inputs\": \"first\"}"));
        while (batcher.waiting() > 0) {
            Thread.sleep(5); // the dispatcher took it and waits for the device
        }
        Pending second = batcher.submit(input("{\"inputs\": \"second\"}"));
        Pending third = batcher.submit(input("{\"inputs\": \"third\"}"));
        ModelportException full = assertThrows(ModelportException.class, () -> batcher.submit(input("{\"inputs\": \"x\"}")));
        assertEquals(ErrorCode.QUEUE_FULL, full.code());
        batcher.abandon(second);
        assertEquals(1, batcher.waiting(), "an abandoned request leaves the queue at once");
        batcher.abandon(first);
        device.release();
        assertEquals("THIRD", third.result.get(10, TimeUnit.SECONDS).asText());
        assertTrue(first.result.isCancelled() && second.result.isCancelled());
        assertEquals(List.of(TextNode.valueOf("third")), pipeline.calls, "abandoned requests never reach the model");
    }

    @Test
    void closingAnswersEveryRequestItTookOrQueued() throws Exception {
        batcher = new DynamicBatcher("t", pipeline, device, workers, 1, 0, 10, sizes, StageListener.NONE);
        device.acquire();
        Pending held = batcher.submit(input("{\"inputs\": \"held\"}"));
        while (batcher.waiting() > 0) {
            Thread.sleep(5);
        }
        // "held" is out of the queue, with the dispatcher waiting for the device: an undeploy now
        // must answer it too, or its caller waits for INFERENCE_TIMEOUT_MS
        Pending queued = batcher.submit(input("{\"inputs\": \"queued\"}"));
        batcher.close(1000);
        for (Pending p : List.of(held, queued)) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> p.result.get(10, TimeUnit.SECONDS));
            assertEquals(ErrorCode.DEPLOYMENT_NOT_READY, assertInstanceOf(ModelportException.class, e.getCause()).code());
        }
        ModelportException late = assertThrows(ModelportException.class, () -> batcher.submit(input("{\"inputs\": \"late\"}")));
        assertEquals(ErrorCode.DEPLOYMENT_NOT_READY, late.code());
        device.release();
        assertTrue(pipeline.calls.isEmpty(), "nothing ran after the close");
    }
}
