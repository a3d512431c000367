package dev.modelport.api;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/v1/hub/models}: the Hub's listing through the service, against the test hub over HTTP, with a
 * "runs here" hint from the checks a deployment makes, and cached briefly.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class HubSearchTest {
    @ConfigProperty(name = "modelport.hub.endpoint")
    String hubUrl;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    private static JsonPath search(String query, String... more) {
        var req = given().queryParam("search", query);
        for (int i = 0; i + 1 < more.length; i += 2) {
            req = req.queryParam(more[i], more[i + 1]);
        }
        return req.get("/api/v1/hub/models").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> model(JsonPath answer, String id) {
        List<Map<String, Object>> models = answer.getList("models");
        return models.stream().filter(m -> id.equals(m.get("model_id"))).findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + models));
    }

    @Test
    void supportedModelsRunHereWithTheirTaskAndSize() throws Exception {
        JsonPath answer = search("tiny-bert");
        assertEquals("hub", answer.getString("source"));
        assertFalse(answer.getBoolean("offline"));
        List<String> ids = answer.getList("models.model_id");
        assertTrue(ids.containsAll(List.of(TestHub.SENTIMENT, TestHub.NER)), ids.toString());
        assertFalse(ids.contains(TestHub.XLNET), "only ids containing the words: " + ids);

        Map<String, Object> sentiment = model(answer, TestHub.SENTIMENT);
        assertEquals(true, sentiment.get("runs_here"), sentiment.toString());
        assertNull(sentiment.get("reason"));
        assertEquals("text-classification", sentiment.get("task"));
        assertEquals("BertForSequenceClassification", sentiment.get("architecture"));
        long weights = Files.size(Path.of(hubRoot, TestHub.SENTIMENT, "model.safetensors"));
        long download = ((Number) sentiment.get("download_bytes")).longValue();
        assertTrue(download > weights * 0.95 && download <= weights, "size from the parameter counts: " + download
                + " vs a file of " + weights);
        assertEquals(download, ((Number) sentiment.get("estimated_memory_bytes")).longValue(), "float32 stays float32");
        assertEquals("token-classification", model(answer, TestHub.NER).get("task"));
    }

    @Test
    void modelsThatCannotRunSayWhyInOneLine() {
        Map<String, Object> xlnet = model(search("tiny-xlnet"), TestHub.XLNET);
        assertEquals(false, xlnet.get("runs_here"));
        assertEquals("UNSUPPORTED_ARCHITECTURE", xlnet.get("reason_code"));
        assertEquals("XLNetLMHeadModel", xlnet.get("architecture"));
        String reason = (String) xlnet.get("reason");
        assertTrue(reason.contains("XLNetLMHeadModel"), reason);
        assertFalse(reason.contains("BertForMaskedLM"), "no list of every supported class: " + reason);

        // a repo with only pytorch_model.bin runs: its pickle is read by the weights-only unpickler
        Map<String, Object> pickle = model(search("pickle-only"), TestHub.PICKLE_ONLY);
        assertEquals(true, pickle.get("runs_here"), pickle.toString());

        Map<String, Object> noConfig = model(search("no-config"), TestHub.NO_CONFIG);
        assertEquals(false, noConfig.get("runs_here"));
        assertEquals("UNSUPPORTED_MODEL_FILES", noConfig.get("reason_code"));

        Map<String, Object> huge = model(search("huge-llama"), TestHub.HUGE);
        assertEquals(false, huge.get("runs_here"), huge.toString());
        assertEquals("MODEL_TOO_LARGE", huge.get("reason_code"));
        assertEquals(40_000_000_000L, ((Number) huge.get("download_bytes")).longValue(), "20 G bfloat16 parameters");
        assertEquals("text-generation", huge.get("task"));
    }

    @Test
    void theTaskFilterAndSortAreTheHubs() {
        List<String> ner = search("test-org", "task", "token-classification").getList("models.model_id");
        assertEquals(List.of(TestHub.NER), ner);
        JsonPath byLikes = search("test-org", "sort", "likes", "limit", "1");
        assertEquals(List.of(TestHub.HUGE), byLikes.getList("models.model_id"), "the one with likes first");
        assertEquals("likes", byLikes.getString("sort"));
    }

    @Test
    void answersAreCachedBriefly() {
        HubControl hub = new HubControl(hubUrl, hubRoot);
        long before = hub.requests("/api/models");
        search("distilbert-cancel", "sort", "trending");
        search("distilbert-cancel", "sort", "trending");
        search("DistilBERT-cancel", "sort", "trending");
        assertEquals(before + 1, hub.requests("/api/models"), "one question to the Hub for the same search");
    }

    @Test
    void badParametersAre400s() {
        given().queryParam("sort", "newest").get("/api/v1/hub/models").then().statusCode(400)
                .body("error.code", equalTo("INVALID_REQUEST"));
        given().queryParam("task", "image-generation").get("/api/v1/hub/models").then().statusCode(400)
                .body("error.code", equalTo("INVALID_REQUEST"));
        given().queryParam("limit", "500").get("/api/v1/hub/models").then().statusCode(400)
                .body("error.code", equalTo("INVALID_REQUEST"));
        given().queryParam("search", "x".repeat(201)).get("/api/v1/hub/models").then().statusCode(400);
    }

    @Test
    void theSystemNamesWhatRuns() {
        JsonPath system = given().get("/api/v1/system").then().statusCode(200).extract().jsonPath();
        List<String> types = system.getList("supported_model_types");
        assertTrue(types.containsAll(List.of("bert", "distilbert", "roberta", "gpt2", "llama", "mistral", "qwen2")), types.toString());
        assertTrue(system.getList("supported_architectures").contains("Qwen2ForCausalLM"));
    }
}
