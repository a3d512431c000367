package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zero-shot-classification, text pairs and the rerank route through the HTTP API, on golden
 * checkpoints served by the hub stand-in: a DeBERTa-v3 NLI classifier whose repo has spm.model and no
 * tokenizer.json (downloaded, converted at creating), and a ModernBERT cross-encoder. Answers equal
 * transformers' own (golden.json) within 1e-4.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class EncoderTasksApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NLI = "test-org/tiny-deberta-v3-nli";
    private static final String RERANKER = "test-org/tiny-modernbert-reranker";
    private static final double TOLERANCE = 1e-4;

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @Test
    void zeroShotOnADebertaV3RepoWithOnlySpmModelEqualsTransformers() throws Exception {
        JsonNode golden = publish("deberta-v2-seqcls", NLI, "tokenizer.json");
        deploy(Map.of("model_id", NLI, "deployment_id", "nli", "task", "zero-shot-classification"));
        JsonPath d = awaitEnded("nli", Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("DebertaV2ForSequenceClassification", d.getString("architecture"));
        List<String> files = d.getList("files.path");
        assertTrue(files.contains("spm.model"), files.toString());
        assertFalse(files.contains("tokenizer.json"), files.toString());

        int checked = 0;
        for (JsonNode entry : golden.path("pipelines")) {
            if (!entry.path("task").asText().equals("zero-shot-classification")) {
                continue;
            }
            JsonNode result = infer("nli", entry.path("inputs"), entry.path("parameters"));
            assertClose(entry.path("output"), result, "zero-shot " + entry.path("parameters"));
            checked++;
        }
        assertEquals(5, checked);

        // the same sequence, labels in the body's own shapes
        given().contentType(ContentType.JSON).body("{\"inputs\": \"hello\", \"parameters\": {}}")
                .post("/api/v1/deployments/nli/inference").then().statusCode(400)
                .body("error.code", equalTo("INVALID_INPUT"));
        given().contentType(ContentType.JSON)
                .body("{\"inputs\": \"hello\", \"parameters\": {\"candidate_labels\": [\"a\"], \"hypothesis_template\": \"no slot\"}}")
                .post("/api/v1/deployments/nli/inference").then().statusCode(400)
                .body("error.code", equalTo("INVALID_INPUT"));
        // an NLI model is not a cross-encoder
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a")))
                .post("/api/v1/deployments/nli/rerank").then().statusCode(400).body("error.code", equalTo("INVALID_REQUEST"));
        undeploy("nli");

        // the same repo as text-classification takes {"text", "text_pair"}
        deploy(Map.of("model_id", NLI, "deployment_id", "nli-pairs", "task", "text-classification"));
        assertEquals("completed", awaitEnded("nli-pairs", Duration.ofSeconds(120)).getString("status"));
        for (JsonNode entry : golden.path("pipelines")) {
            if (entry.path("task").asText().equals("text-classification") && entry.path("parameters").has("top_k")) {
                JsonNode result = infer("nli-pairs", entry.path("inputs"), entry.path("parameters"));
                assertClose(entry.path("output"), result, "text pair " + entry.path("inputs"));
            }
        }
        undeploy("nli-pairs");
    }

    @Test
    void rerankRanksByTheCrossEncodersSigmoidAsTransformersComputesIt() throws Exception {
        JsonNode golden = publish("modernbert-rerank", RERANKER, null);
        deploy(Map.of("model_id", RERANKER, "deployment_id", "reranker", "max_batch_size", 64));
        JsonPath d = awaitEnded("reranker", Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("text-classification", d.getString("task"));

        JsonNode rerank = golden.path("rerank");
        List<String> texts = new ArrayList<>();
        rerank.path("texts").forEach(t -> texts.add(t.asText()));
        String query = rerank.path("query").asText();
        JsonNode ranked = post("/api/v1/deployments/reranker/rerank", Map.of("query", query, "texts", texts));
        JsonNode want = rerank.path("ranked");
        assertEquals(want.size(), ranked.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).path("index").asInt(), ranked.get(i).path("index").asInt(), "rank " + i);
            assertEquals(want.get(i).path("score").asDouble(), ranked.get(i).path("score").asDouble(), TOLERANCE);
            assertFalse(ranked.get(i).has("text"));
        }

        JsonNode raw = post("/api/v1/deployments/reranker/rerank", Map.of("query", query, "texts", texts,
                "raw_scores", true, "return_text", true, "top_n", 2));
        assertEquals(2, raw.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(want.get(i).path("raw_score").asDouble(), raw.get(i).path("score").asDouble(), TOLERANCE);
            assertEquals(texts.get(want.get(i).path("index").asInt()), raw.get(i).path("text").asText());
        }

        // the text-pair goldens (transformers' sigmoid for one label) through /inference
        for (JsonNode entry : golden.path("pipelines")) {
            JsonNode result = infer("reranker", entry.path("inputs"), entry.path("parameters"));
            assertClose(entry.path("output"), result, "cross-encoder pair " + entry.path("inputs"));
        }

        // concurrent rerank requests share the batcher and each gets its own answer
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                List<String> subset = texts.subList(0, 1 + i % texts.size());
                answers.add(pool.submit(() -> post("/api/v1/deployments/reranker/rerank",
                        Map.of("query", query, "texts", subset, "raw_scores", true))));
            }
            for (int i = 0; i < answers.size(); i++) {
                JsonNode got = answers.get(i).get();
                assertEquals(1 + i % texts.size(), got.size());
                for (JsonNode item : got) {
                    double logit = rerank.path("logits").get(item.path("index").asInt()).asDouble();
                    assertEquals(logit, item.path("score").asDouble(), TOLERANCE);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        // refusals
        given().contentType(ContentType.JSON).body(Map.of("texts", texts)).post("/api/v1/deployments/reranker/rerank")
                .then().statusCode(400).body("error.code", equalTo("INVALID_INPUT"));
        given().contentType(ContentType.JSON).body(Map.of("query", query, "texts", List.of()))
                .post("/api/v1/deployments/reranker/rerank").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("query", query, "texts", texts, "top_n", 0))
                .post("/api/v1/deployments/reranker/rerank").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("query", query, "texts", texts, "documents", texts))
                .post("/api/v1/deployments/reranker/rerank").then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("query", query, "texts", texts))
                .post("/api/v1/deployments/no-such-thing/rerank").then().statusCode(404)
                .body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        undeploy("reranker");
    }

    private static JsonNode infer(String id, JsonNode inputs, JsonNode parameters) throws IOException {
        Map<String, Object> body = Map.of("inputs", JSON.treeToValue(inputs, Object.class),
                "parameters", JSON.treeToValue(parameters, Object.class));
        return post("/api/v1/deployments/" + id + "/inference", body).path("result");
    }

    private static JsonNode post(String path, Object body) throws IOException {
        String text = given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(200).extract().asString();
        return JSON.readTree(text);
    }

    /** Keys, strings and sizes exact; numbers within the tolerance. */
    private static void assertClose(JsonNode want, JsonNode got, String what) {
        if (want.isNumber()) {
            assertTrue(got.isNumber(), what + ": " + got);
            assertEquals(want.asDouble(), got.asDouble(), TOLERANCE, what);
        } else if (want.isContainerNode()) {
            assertEquals(want.size(), got.size(), what + ": " + want + " vs " + got);
            if (want.isObject()) {
                want.fieldNames().forEachRemaining(k -> assertClose(want.get(k), got.path(k), what + "." + k));
            } else {
                for (int i = 0; i < want.size(); i++) {
                    assertClose(want.get(i), got.get(i), what + "[" + i + "]");
                }
            }
        } else {
            assertEquals(want, got, what);
        }
    }

    /** Copies a golden folder into the hub stand-in (its golden files and the one named left out); its golden.json. */
    private JsonNode publish(String goldenCase, String repo, String leaveOut) throws IOException {
        Path from = goldens().resolve(goldenCase);
        Path to = Path.of(hubRoot).resolve(repo);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = from.relativize(f).toString();
                if (name.startsWith("golden.") || name.equals(leaveOut)) {
                    continue;
                }
                Path target = to.resolve(name);
                Files.createDirectories(target.getParent());
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return JSON.readTree(from.resolve("golden.json").toFile());
    }

    private static Path goldens() {
        URL url = EncoderTasksApiTest.class.getClassLoader().getResource("goldens");
        try {
            return url != null ? Path.of(url.toURI()) : Path.of("src/test/resources/goldens");
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
