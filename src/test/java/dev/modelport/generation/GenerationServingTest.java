package dev.modelport.generation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.generation.LiveGeneration.EventStream;
import dev.modelport.generation.LiveGeneration.Socket;
import dev.modelport.testing.decoders.TinyDecoders;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generation through the serving layer, on a tiny GPT-2 with a 4096-token context (so a generation
 * can run long enough to be interrupted): concurrent requests batched together, every route counted
 * in the same metrics, a client that goes away stopping its generation, and tokens over the
 * deployment's WebSocket when it is opened with {@code ?generate=true}.
 */
@QuarkusTest
class GenerationServingTest {
    static final String LONG = "test-org/tiny-gpt2-long";
    private static final String ID = "gen-long";
    private static final String REQUESTS = "modelport_inference_requests_total";
    private static final String TOKENS = "modelport_generated_tokens_total";

    @TestHTTPResource("/")
    URI base;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @BeforeEach
    void deployOnce() throws Exception {
        writeLongGpt2(Path.of(hubRoot));
        LiveGeneration.deploy(LONG, ID);
    }

    static void writeLongGpt2(Path hubRoot) {
        if (!Files.isDirectory(hubRoot.resolve(LONG))) {
            TinyDecoders.gpt2(hubRoot.resolve(LONG), 2, 32, 4, 4096, 31, false);
        }
    }

    /** A greedy continuation of {@code prompt}, not streamed. */
    private static String greedy(String prompt, int tokens) {
        return given().contentType(ContentType.JSON).body(body(prompt, tokens, false))
                .post("/api/v1/deployments/" + ID + "/inference").then().statusCode(200).extract().jsonPath()
                .getString("result[0].generated_text");
    }

    static String body(String prompt, int tokens, boolean stream) {
        return "{\"inputs\": \"" + prompt + "\", \"parameters\": {\"max_new_tokens\": " + tokens
                + ", \"return_full_text\": false}, \"stream\": " + stream + "}";
    }

    @Test
    void concurrentGenerationsAreBatchedAndEachAnswersAsIfAlone() throws Exception {
        List<String> prompts = List.of("Hello", "The cat sat", "Once upon a time", "In 1990 we");
        Map<String, String> alone = new HashMap<>();
        for (String p : prompts) {
            alone.put(p, greedy(p, 200));
        }
        Map<String, Future<String>> together = new HashMap<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String p : prompts) {
                together.put(p, clients.submit(() -> greedy(p, 200)));
            }
        }
        for (String p : prompts) {
            assertEquals(alone.get(p), together.get(p).get(), "greedy text of '" + p + "' with company");
        }
        // before, a generation held the device to its end: every pass ran one sequence
        assertTrue(LiveGeneration.metric("modelport_batch_size_max", ID, null) >= 2,
                "4 concurrent generations shared decode steps");
    }

    @Test
    void everyRouteIsCountedAndStreamsMatchTheirAnswers() throws Exception {
        double successes = LiveGeneration.metric(REQUESTS, ID, "success");
        long requests = given().get("/api/v1/deployments/" + ID).jsonPath().getLong("stats.requests");
        double tokens = LiveGeneration.metric(TOKENS, ID, null);

        String text = greedy("Hello", 8);
        StringBuilder streamed = new StringBuilder();
        try (EventStream sse = EventStream.open(base, "/api/v1/deployments/" + ID + "/inference", body("Hello", 8, true))) {
            assertEquals(200, sse.status);
            for (JsonNode e = sse.next(); e != null; e = sse.next()) {
                streamed.append(e.get("token").get("text").asText());
            }
        }
        assertEquals(text, streamed.toString(), "the stream's tokens concatenate to the answer");

        String completion = "{\"model\": \"" + ID + "\", \"prompt\": \"Hello\", \"max_tokens\": 8, \"temperature\": 0%s}";
        String answer = given().contentType(ContentType.JSON).body(completion.formatted("")).post("/v1/completions")
                .then().statusCode(200).extract().jsonPath().getString("choices[0].text");
        assertEquals(text, answer);
        StringBuilder chunks = new StringBuilder();
        try (EventStream sse = EventStream.open(base, "/v1/completions", completion.formatted(", \"stream\": true"))) {
            for (JsonNode e = sse.next(); e != null && e.isObject(); e = sse.next()) {
                chunks.append(e.get("choices").get(0).get("text").asText());
            }
        }
        assertEquals(text, chunks.toString());

        assertEquals(successes + 4, LiveGeneration.metric(REQUESTS, ID, "success"), "each route counts once");
        assertEquals(requests + 4, given().get("/api/v1/deployments/" + ID).jsonPath().getLong("stats.requests"));
        assertEquals(tokens + 32, LiveGeneration.metric(TOKENS, ID, null), "4 generations of 8 tokens");
    }

    @Test
    void aClientThatGoesAwayStopsItsGeneration() throws Exception {
        String inference = "/api/v1/deployments/" + ID + "/inference";
        String completion = "{\"model\": \"" + ID + "\", \"prompt\": \"Hello\", \"max_tokens\": 4000, \"temperature\": 0, \"stream\": true}";
        for (String[] route : List.of(new String[] {inference, body("Hello", 4000, true)}, new String[] {"/v1/completions", completion})) {
            double cancelled = LiveGeneration.metric(REQUESTS, ID, "cancelled");
            double tokens = LiveGeneration.metric(TOKENS, ID, null);
            try (EventStream sse = EventStream.open(base, route[0], route[1])) {
                assertEquals(200, sse.status);
                for (int i = 0; i < 3; i++) {
                    assertNotNull(sse.next(), route[0]);
                }
            }
            assertEquals(cancelled + 1, LiveGeneration.awaitMetric(REQUESTS, ID, "cancelled", cancelled + 1),
                    route[0] + ": the generation ends as cancelled");
            double generated = LiveGeneration.metric(TOKENS, ID, null) - tokens;
            // 4 measured (the 3 read, then one whose event found the connection closed); slack for a busy machine
            assertTrue(generated < 100, route[0] + ": stopped soon after the client left, not after 4000 tokens: " + generated);
            assertEquals(0, LiveGeneration.metric("modelport_queue_depth", ID, null), "no generation left in flight");
            greedy("Hi", 3); // the next request is served (200)
        }
    }

    @Test
    void theWebSocketGeneratesWhenAskedAndStaysOpenOnBadInput() throws Exception {
        Socket plain = Socket.connect(base, "/api/v1/ws/" + ID);
        assertEquals("completed", untilCompleted(plain).get("status").asText());
        assertEquals(1000, plain.closed.get(60, TimeUnit.SECONDS), "without ?generate the socket closes as before");

        Socket ws = Socket.connect(base, "/api/v1/ws/" + ID + "?generate=true");
        assertEquals("completed", untilCompleted(ws).get("status").asText());
        ws.send("not json");
        JsonNode error = ws.next();
        assertEquals("error", error.get("status").asText());
        assertEquals("INVALID_REQUEST", error.get("error").get("code").asText());
        ws.send("{\"inputs\": [\"a\", \"b\"], \"request_id\": \"list\"}");
        error = ws.next();
        assertEquals("list", error.get("request_id").asText());
        assertEquals("INVALID_INPUT", error.get("error").get("code").asText(), error.toString());

        Map<String, String> prompts = Map.of("a", "Hello", "b", "The cat sat");
        for (var p : prompts.entrySet()) {
            ws.send("{\"inputs\": \"" + p.getValue() + "\", \"parameters\": {\"max_new_tokens\": 12, \"return_full_text\": false},"
                    + " \"request_id\": \"" + p.getKey() + "\"}");
        }
        Map<String, StringBuilder> joined = new HashMap<>();
        Map<String, String> finals = new HashMap<>();
        while (finals.size() < 2) {
            JsonNode f = ws.next();
            String id = f.get("request_id").asText();
            joined.computeIfAbsent(id, k -> new StringBuilder()).append(f.get("token").get("text").asText());
            if (!f.get("generated_text").isNull()) {
                finals.put(id, f.get("generated_text").asText());
                assertEquals("length", f.get("details").get("finish_reason").asText());
            }
        }
        for (var p : prompts.entrySet()) {
            String expected = greedy(p.getValue(), 12);
            assertEquals(expected, finals.get(p.getKey()), "request " + p.getKey());
            assertEquals(expected, joined.get(p.getKey()).toString(), "tokens of " + p.getKey());
        }

        double cancelled = LiveGeneration.metric(REQUESTS, ID, "cancelled");
        double tokens = LiveGeneration.metric(TOKENS, ID, null);
        ws.send("{\"inputs\": \"Hello\", \"parameters\": {\"max_new_tokens\": 4000}, \"request_id\": 7}");
        JsonNode first = ws.next();
        assertEquals("7", first.get("request_id").asText());
        assertTrue(first.has("token"), first.toString());
        ws.close();
        assertEquals(cancelled + 1, LiveGeneration.awaitMetric(REQUESTS, ID, "cancelled", cancelled + 1),
                "closing the socket stops its generation");
        double generated = LiveGeneration.metric(TOKENS, ID, null) - tokens;
        assertTrue(generated < 100, "stopped soon after the close, not after 4000 tokens: " + generated);
    }

    /** The socket first replays the deployment's history; the last event of it is {@code completed}. */
    private static JsonNode untilCompleted(Socket socket) throws Exception {
        for (int i = 0; i < 1000; i++) {
            JsonNode e = socket.next();
            if (!e.has("status") || e.get("status").asText().equals("completed")) {
                return e;
            }
        }
        throw new AssertionError("no completed event in the history");
    }
}
