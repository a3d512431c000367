package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.api.TestHub;
import dev.modelport.runtime.Head;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinySentenceTransformers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dynamic batching and the OpenAI-compatible routes, against deployments served from the hub
 * stand-in over real HTTP. Deployments are made once per service and shared by the tests.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class ServingApiTest {
    private static final List<String> TEXTS = List.of("i love this product", "terrible service", "the movie was great",
            "what a bad day", "hello world", "the best ever", "okay", "john lives in paris", "would buy again",
            "slow and bad", "very very good", "not good not bad");

    @TestHTTPResource("/")
    URI base;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    ServingHttp http;

    @BeforeEach
    void deployOnce() throws Exception {
        http = new ServingHttp(base);
        ensure("batched", () -> TinyCheckpoints.bert(root("serving-org/sentiment"), Head.SEQUENCE_CLASSIFICATION),
                Map.of("model_id", "serving-org/sentiment", "deployment_id", "batched", "max_batch_size", 16,
                        "max_batch_delay_ms", 200));
        ensure("embed", () -> TinySentenceTransformers.write(root("serving-org/embedder")),
                Map.of("model_id", "serving-org/embedder", "deployment_id", "embed"));
    }

    private Path root(String repo) {
        return Path.of(hubRoot).resolve(repo);
    }

    private void ensure(String id, Runnable writeRepo, Map<String, Object> body) throws InterruptedException {
        if (http.get("/api/v1/deployments/" + id).status() == 200) {
            return;
        }
        writeRepo.run();
        JsonNode d = http.deployAndWait(body, id, Duration.ofSeconds(120));
        assertEquals("completed", d.path("status").asText(), d.toString());
    }

    @Test
    void concurrentRequestsShareForwardPassesAndEachGetsItsOwnUnbatchedAnswer() throws Exception {
        List<JsonNode> alone = new ArrayList<>();
        for (String text : TEXTS) {
            alone.add(infer("batched", Map.of("inputs", text, "parameters", Map.of("top_k", 2))));
        }
        JsonNode pairAlone = infer("batched", Map.of("inputs", List.of(TEXTS.get(0), TEXTS.get(1)), "parameters", Map.of("top_k", 2)));

        double passesBefore = http.metric("modelport_batch_size_count", "batched");
        List<Future<JsonNode>> answers = new ArrayList<>();
        Future<JsonNode> pair;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String text : TEXTS) {
                answers.add(clients.submit(() -> infer("batched", Map.of("inputs", text, "parameters", Map.of("top_k", 2)))));
            }
            pair = clients.submit(() -> infer("batched", Map.of("texts", List.of(TEXTS.get(0), TEXTS.get(1)),
                    "parameters", Map.of("top_k", 2))));
        }
        for (int i = 0; i < TEXTS.size(); i++) {
            assertSameScores(alone.get(i), answers.get(i).get(), TEXTS.get(i));
        }
        assertSameScores(pairAlone, pair.get(), "the list request");

        double passes = http.metric("modelport_batch_size_count", "batched") - passesBefore;
        double texts = TEXTS.size() + 2;
        assertTrue(passes < TEXTS.size() + 1, "13 concurrent requests ran in " + passes + " passes");
        assertTrue(http.metric("modelport_batch_size_max", "batched") > 1, "a pass carried several texts");
        assertTrue(texts / passes > 1, "texts per pass: " + texts / passes);
        JsonNode stats = http.get("/api/v1/deployments/batched").body().path("stats");
        assertTrue(stats.path("requests").asLong() >= 2L * TEXTS.size() + 2, stats.toString());
        assertEquals(0, stats.path("errors").asLong(), stats.toString());
        assertTrue(stats.path("avg_latency_ms").asDouble() > 0, stats.toString());
        String metrics = http.get("/q/metrics").raw().body();
        assertTrue(metrics.contains("modelport_inference_requests_total{deployment=\"batched\",outcome=\"success\",task=\"text-classification\""),
                "requests counted by deployment, task and outcome");
        assertTrue(metrics.contains("modelport_inference_duration_seconds_bucket{deployment=\"batched\""), "a latency histogram");
        assertTrue(metrics.contains("modelport_queue_depth{deployment=\"batched\""));
        assertTrue(metrics.contains("modelport_model_memory_bytes{deployment=\"batched\""));
    }

    private JsonNode infer(String id, Object body) {
        ServingHttp.Answer a = http.post("/api/v1/deployments/" + id + "/inference", body);
        assertEquals(200, a.status(), a.raw().body());
        return a.body().path("result");
    }

    /** Same labels in the same order, scores equal up to float rounding (a padded batch sums in another order). */
    private static void assertSameScores(JsonNode expected, JsonNode actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        if (expected.isArray() && expected.size() > 0 && expected.get(0).isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertSameScores(expected.get(i), actual.get(i), what + "[" + i + "]");
            }
            return;
        }
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).path("label").asText(), actual.get(i).path("label").asText(), what);
            assertEquals(expected.get(i).path("score").asDouble(), actual.get(i).path("score").asDouble(), 1e-5, what);
        }
    }

    @Test
    void openAiEmbeddingsEqualTheNativeVectors() {
        List<String> texts = List.of("hello world", "the capital of france is paris");
        JsonNode nativeVectors = infer("embed", Map.of("inputs", texts));

        ServingHttp.Answer a = http.post("/v1/embeddings", Map.of("model", "embed", "input", texts, "user", "someone"));
        assertEquals(200, a.status(), a.raw().body());
        JsonNode body = a.body();
        assertEquals("list", body.path("object").asText());
        assertEquals("embed", body.path("model").asText());
        assertEquals(2, body.path("data").size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode item = body.path("data").get(i);
            assertEquals("embedding", item.path("object").asText());
            assertEquals(i, item.path("index").asInt());
            assertVector(nativeVectors.get(i), toFloats(item.path("embedding")), texts.get(i));
        }
        // [CLS] hello world [SEP] and [CLS] the capital of france is paris [SEP]
        assertEquals(4 + 8, body.path("usage").path("prompt_tokens").asInt(), body.toString());
        assertEquals(body.path("usage").path("prompt_tokens").asInt(), body.path("usage").path("total_tokens").asInt());

        ServingHttp.Answer one = http.post("/v1/embeddings", Map.of("model", "embed", "input", "hello world",
                "encoding_format", "base64"));
        assertEquals(200, one.status(), one.raw().body());
        String b64 = one.body().path("data").get(0).path("embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(decoded);
        assertVector(nativeVectors.get(0), decoded, "base64");
    }

    /** LangChain's OpenAIEmbeddings sends token ids by default: ids embed like the text they tokenize. */
    @Test
    void tokenIdInputsEmbedLikeTheirText() throws Exception {
        List<String> texts = List.of("hello world", "the capital of france is paris");
        JsonNode nativeVectors = infer("embed", Map.of("inputs", texts));
        List<List<Long>> ids = new ArrayList<>();
        try (ai.djl.huggingface.tokenizers.HuggingFaceTokenizer tokenizer = ai.djl.huggingface.tokenizers.HuggingFaceTokenizer
                .newInstance(root("serving-org/embedder").resolve("tokenizer.json"))) {
            for (String text : texts) {
                ids.add(java.util.Arrays.stream(tokenizer.encode(text).getIds()).boxed().toList());
            }
        }
        ServingHttp.Answer many = http.post("/v1/embeddings", Map.of("model", "embed", "input", ids));
        assertEquals(200, many.status(), many.raw().body());
        assertEquals(2, many.body().path("data").size());
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(i, many.body().path("data").get(i).path("index").asInt());
            assertVector(nativeVectors.get(i), toFloats(many.body().path("data").get(i).path("embedding")), texts.get(i));
        }
        assertEquals(ids.get(0).size() + ids.get(1).size(), many.body().path("usage").path("prompt_tokens").asInt());

        ServingHttp.Answer one = http.post("/v1/embeddings", Map.of("model", "embed", "input", ids.get(0),
                "encoding_format", "base64"));
        assertEquals(200, one.status(), one.raw().body());
        assertEquals(1, one.body().path("data").size(), "a flat list of ints is one input");

        ServingHttp.Answer outside = http.post("/v1/embeddings", Map.of("model", "embed", "input", List.of(101, 10_000_000)));
        assertEquals(400, outside.status(), outside.raw().body());
        assertEquals("invalid_input", outside.body().path("error").path("code").asText());
        assertTrue(outside.body().path("error").path("message").asText().contains("Token id 10000000 is outside"),
                outside.raw().body());
        ServingHttp.Answer mixed = http.post("/v1/embeddings", Map.of("model", "embed", "input", List.of("text", List.of(101))));
        assertEquals(400, mixed.status(), mixed.raw().body());
        ServingHttp.Answer empty = http.post("/v1/embeddings", Map.of("model", "embed", "input", List.of(List.of())));
        assertEquals(400, empty.status(), empty.raw().body());
    }

    @Test
    void dimensionsTruncateAndRenormalizeNormalizedVectors() {
        JsonNode full = infer("embed", Map.of("inputs", "hello world"));
        assertEquals(1.0, norm(toFloats(full)), 1e-5, "the repo's Normalize module applies");
        ServingHttp.Answer a = http.post("/v1/embeddings", Map.of("model", "embed", "input", "hello world", "dimensions", 8));
        assertEquals(200, a.status(), a.raw().body());
        float[] cut = toFloats(a.body().path("data").get(0).path("embedding"));
        assertEquals(8, cut.length);
        assertEquals(1.0, norm(cut), 1e-5);
        float[] prefix = new float[8];
        for (int i = 0; i < 8; i++) {
            prefix[i] = (float) full.get(i).asDouble();
        }
        double scale = norm(prefix);
        for (int i = 0; i < 8; i++) {
            assertEquals(prefix[i] / scale, cut[i], 1e-5, "component " + i + " keeps its direction");
        }

        ServingHttp.Answer tooMany = http.post("/v1/embeddings", Map.of("model", "embed", "input", "x",
                "dimensions", TinyCheckpoints.HIDDEN + 1));
        assertEquals(400, tooMany.status());
        assertTrue(tooMany.body().path("error").path("message").asText().contains("32 dimensions"), tooMany.raw().body());
    }

    @Test
    void openAiRoutesAnswerErrorsInOpenAisShape() {
        ServingHttp.Answer unknown = http.post("/v1/embeddings", Map.of("model", "nope", "input", "x"));
        assertEquals(404, unknown.status());
        assertEquals("model_not_found", unknown.body().path("error").path("code").asText());
        assertEquals("invalid_request_error", unknown.body().path("error").path("type").asText());
        assertTrue(unknown.body().path("error").has("message"));

        ServingHttp.Answer wrongTask = http.post("/v1/embeddings", Map.of("model", "batched", "input", "x"));
        assertEquals(400, wrongTask.status());
        assertTrue(wrongTask.body().path("error").path("message").asText().contains("text-classification"),
                wrongTask.raw().body());

        assertEquals(400, http.post("/v1/embeddings", "{oops").status());
        assertEquals("invalid_request_error", http.post("/v1/embeddings", "{oops").body().path("error").path("type").asText());
        // token ids are inputs (tokenIdInputsEmbedLikeTheirText); a list mixing ids and a string is not
        assertEquals(400, http.post("/v1/embeddings", Map.of("model", "embed", "input", List.of(1, "two"))).status());
        assertEquals(400, http.post("/v1/embeddings", Map.of("model", "embed", "input", "x", "encoding_format", "int8")).status());
        assertEquals(400, http.post("/v1/embeddings", Map.of("model", "embed", "input", "x", "temperature", 1)).status());
    }

    @Test
    void modelsListsCompletedDeployments() {
        ServingHttp.Answer a = http.get("/v1/models");
        assertEquals(200, a.status());
        assertEquals("list", a.body().path("object").asText());
        List<String> ids = new ArrayList<>();
        for (JsonNode m : a.body().path("data")) {
            ids.add(m.path("id").asText());
            assertEquals("model", m.path("object").asText());
            assertEquals("modelport", m.path("owned_by").asText());
            assertTrue(m.path("created").asLong() > 1_600_000_000L, m.toString());
        }
        assertTrue(ids.containsAll(List.of("batched", "embed")), ids.toString());
        assertEquals(200, http.get("/v1/models/embed").status());
        assertEquals("model_not_found", http.get("/v1/models/nope").body().path("error").path("code").asText());
    }

    private static float[] toFloats(JsonNode vector) {
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) vector.get(i).asDouble();
        }
        return v;
    }

    private static void assertVector(JsonNode expected, float[] actual, String what) {
        assertEquals(expected.size(), actual.length, what);
        for (int i = 0; i < actual.length; i++) {
            assertEquals((float) expected.get(i).asDouble(), actual[i], 1e-7, what + " component " + i);
        }
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
