package dev.modelport.api;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Golden checkpoints of the new decoder architectures (scripts/goldens/cases_decoders2.py), served by
 * the hub stand-in and deployed through the API as a user would: the preflight's verdict, the task a
 * repo gets from its pipeline_tag, and answers on the inference and OpenAI routes equal to
 * transformers' goldens (a Qwen3-Embedding-shaped repo on /v1/embeddings with and without an
 * instruction prompt; Gemma 2's greedy text on /v1/completions as transformers' pipeline gives it,
 * Phi-3 generating there).
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class NewDecodersDeploymentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    private JsonNode publish(String golden, String repo, String hubMeta) throws Exception {
        Path source = Path.of(getClass().getClassLoader().getResource("goldens/" + golden).toURI());
        Path target = Path.of(hubRoot).resolve(repo);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().startsWith("golden.")) {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(target.resolve(".hubmeta.json"), hubMeta);
        return JSON.readTree(source.resolve("golden.json").toFile());
    }

    @Test
    void aQwen3EmbeddingRepoServesEmbeddingsWithItsPrompts() throws Exception {
        String repo = "test-org/tiny-qwen3-embedding";
        JsonNode golden = publish("qwen3-embedding", repo,
                "{\"pipeline_tag\": \"feature-extraction\", \"library_name\": \"sentence-transformers\"}");
        JsonPath preflight = given().get("/api/v1/models/" + repo).then().statusCode(200).extract().jsonPath();
        assertTrue(preflight.getBoolean("supported"), preflight.prettify());
        assertEquals("Qwen3ForCausalLM", preflight.getString("architecture"));
        assertEquals("feature-extraction", preflight.getString("task"));

        deploy(Map.of("model_id", repo, "deployment_id", "qwen3-embed"));
        JsonPath d = awaitEnded("qwen3-embed", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("feature-extraction", d.getString("task"));
        try {
            JsonNode plain = entry(golden, "{}");
            JsonNode openai = JSON.readTree(given().contentType(ContentType.JSON)
                    .body(Map.of("model", "qwen3-embed", "input", JSON.convertValue(plain.get("inputs"), List.class)))
                    .post("/v1/embeddings").then().statusCode(200).extract().asString());
            for (int i = 0; i < plain.get("output").size(); i++) {
                close(plain.get("output").get(i), openai.get("data").get(i).get("embedding"), "/v1/embeddings row " + i);
            }
            JsonNode query = entry(golden, "{\"prompt_name\":\"query\"}");
            JsonNode result = JSON.readTree(given().contentType(ContentType.JSON)
                    .body(Map.of("inputs", query.get("inputs"), "parameters", Map.of("prompt_name", "query")))
                    .post("/api/v1/deployments/qwen3-embed/inference").then().statusCode(200).extract().asString())
                    .get("result");
            for (int i = 0; i < query.get("output").size(); i++) {
                close(query.get("output").get(i), result.get(i), "prompt_name query, row " + i);
            }
            given().contentType(ContentType.JSON).body(Map.of("inputs", "x", "parameters", Map.of("prompt_name", "nope")))
                    .post("/api/v1/deployments/qwen3-embed/inference").then().statusCode(400);
        } finally {
            undeploy("qwen3-embed");
        }
    }

    @Test
    void gemma2AndPhi3GenerateOnTheOpenAiRoute() throws Exception {
        for (String[] c : new String[][] {{"gemma2", "test-org/tiny-gemma2", "gemma2-gen"},
                {"phi3", "test-org/tiny-phi3", "phi3-gen"}}) {
            JsonNode golden = publish(c[0], c[1], "{\"pipeline_tag\": \"text-generation\"}");
            deploy(Map.of("model_id", c[1], "deployment_id", c[2]));
            JsonPath d = awaitEnded(c[2], Duration.ofSeconds(300));
            assertEquals("completed", d.getString("status"), d.prettify());
            assertEquals("text-generation", d.getString("task"));
            assertEquals(golden.get("architecture").asText(), d.getString("architecture"));
            try {
                for (JsonNode p : golden.get("pipelines")) {
                    if (p.get("parameters").get("return_full_text").asBoolean()) {
                        continue;
                    }
                    // transformers' text-generation pipeline, greedy: the same text on /v1/completions
                    JsonPath r = given().contentType(ContentType.JSON)
                            .body(Map.of("model", c[2], "prompt", p.get("inputs").asText(), "max_tokens",
                                    p.get("parameters").get("max_new_tokens").asInt(), "temperature", 0))
                            .post("/v1/completions").then().statusCode(200).extract().jsonPath();
                    assertEquals(p.get("output").get(0).get("generated_text").asText(), r.getString("choices[0].text"),
                            c[0] + ": " + r.prettify());
                }
                JsonPath r = given().contentType(ContentType.JSON)
                        .body(Map.of("model", c[2], "prompt", "once upon a time", "max_tokens", 5, "temperature", 0))
                        .post("/v1/completions").then().statusCode(200).extract().jsonPath();
                assertEquals(5, r.getInt("usage.completion_tokens"), c[0] + ": " + r.prettify());
            } finally {
                undeploy(c[2]);
            }
        }
    }

    private static JsonNode entry(JsonNode golden, String parameters) throws Exception {
        JsonNode want = JSON.readTree(parameters);
        for (JsonNode e : golden.get("embeddings")) {
            if (e.get("task").asText().equals("feature-extraction") && e.get("parameters").equals(want)) {
                return e;
            }
        }
        throw new AssertionError("no golden entry with parameters " + parameters);
    }

    private static void close(JsonNode want, JsonNode got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).asDouble(), got.get(i).asDouble(), 1e-4, what + " [" + i + "]");
        }
    }
}
