package dev.modelport.api;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.pickle.PickleResources;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Repos that ship only PyTorch pickles, through the API: the preflight selects pytorch_model.bin (or
 * its shards) and says how it will be read; a deployment downloads only those, loads them through
 * the weights-only unpickler and answers as transformers does on the same weights; a pickle that
 * calls os.system fails the deployment with UNSAFE_WEIGHTS (422) and runs nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class PickleDeploymentTest {

    @Test
    void preflightSelectsThePickleAndSaysHowItIsRead() {
        given().get("/api/v1/models/" + TestHub.PICKLE_ONLY).then().statusCode(200)
                .body("supported", equalTo(true)).body("architecture", equalTo("BertForSequenceClassification"))
                .body("task", equalTo("text-classification"))
                .body("files.find { it.path == 'pytorch_model.bin' }.selected", equalTo(true))
                .body("files.find { it.path == 'training_args.bin' }.selected", equalTo(false))
                .body("warnings", hasItem(org.hamcrest.Matchers.containsString("weights-only unpickler")));
        JsonPath sharded = given().get("/api/v1/models/" + TestHub.PICKLE_SHARDED).then().statusCode(200)
                .body("supported", equalTo(true)).extract().jsonPath();
        List<String> fetched = sharded.getList("files.findAll { it.selected }.path");
        assertTrue(fetched.containsAll(List.of("pytorch_model.bin.index.json", "pytorch_model-00001-of-00004.bin",
                "pytorch_model-00004-of-00004.bin")), fetched.toString());
        assertTrue(sharded.getLong("estimated_memory_bytes") > 100_000, "the shards count in the memory estimate");
    }

    @Test
    void aPickleOnlyRepoDeploysAndAnswersAsTransformers() throws Exception {
        deploy(Map.of("model_id", TestHub.PICKLE_ONLY, "deployment_id", "pickle-bert"));
        JsonPath d = awaitEnded("pickle-bert", Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
        List<String> files = d.getList("files.path");
        assertTrue(files.contains("pytorch_model.bin") && !files.contains("training_args.bin"), files.toString());
        JsonNode golden = new ObjectMapper().readTree(PickleResources.root().resolveSibling("goldens")
                .resolve("bert-seqcls").resolve("golden.json").toFile());
        for (JsonNode p : golden.path("pipelines")) {
            if (!p.path("inputs").isTextual() || !p.path("parameters").has("top_k")) {
                continue;
            }
            JsonPath answer = given().contentType(ContentType.JSON)
                    .body(Map.of("inputs", p.path("inputs").asText(), "parameters", Map.of("top_k", 3)))
                    .post("/api/v1/deployments/pickle-bert/inference").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> result = answer.getList("result");
            assertEquals(p.path("output").size(), result.size());
            for (int i = 0; i < result.size(); i++) {
                assertEquals(p.path("output").get(i).path("label").asText(), result.get(i).get("label"));
                assertEquals(p.path("output").get(i).path("score").asDouble(), ((Number) result.get(i).get("score")).doubleValue(),
                        1e-4, "score of " + result.get(i).get("label"));
            }
        }
        undeploy("pickle-bert");
    }

    @Test
    void shardedPicklesDeployAndGenerate() throws Exception {
        deploy(Map.of("model_id", TestHub.PICKLE_SHARDED, "deployment_id", "pickle-llama"));
        JsonPath d = awaitEnded("pickle-llama", Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals(5, d.getList("files.path").stream().filter(p -> p.toString().startsWith("pytorch_model")).count());
        given().contentType(ContentType.JSON).body(Map.of("inputs", "once upon a time there lived a cat",
                        "parameters", Map.of("max_new_tokens", 4, "do_sample", false)))
                .post("/api/v1/deployments/pickle-llama/inference").then().statusCode(200)
                .body("status", equalTo("success"));
        undeploy("pickle-llama");
    }

    @Test
    void aHostilePickleFailsTheDeploymentWithUnsafeWeights() throws Exception {
        deploy(Map.of("model_id", TestHub.PICKLE_HOSTILE, "deployment_id", "pickle-evil"));
        JsonPath d = awaitEnded("pickle-evil", Duration.ofSeconds(120));
        assertEquals("failed", d.getString("status"), d.prettify());
        assertEquals("UNSAFE_WEIGHTS", d.getString("error.code"));
        String message = d.getString("error.message");
        assertTrue(message.contains("posix.system") && message.contains("nothing in it was run"), message);
        assertFalse(message.contains("at dev.modelport") || message.contains("/tmp/"), message);
        undeploy("pickle-evil");
    }
}
