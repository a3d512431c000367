package dev.modelport.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deployments declared in MODELPORT_DEPLOYMENTS, one that works and one that cannot (the model is not on
 * the hub), with MODELPORT_DEPLOYMENTS_READINESS=settled: both are deployed at start like API ones, the
 * replica turns ready once both have ended and names the failure, neither can be deleted or replaced
 * through the API (409 DEPLOYMENT_DECLARED), and API-made deployments beside them work as before.
 */
@QuarkusTest
@TestProfile(DeclaredDeploymentsApiTest.Declared.class)
class DeclaredDeploymentsApiTest {

    public static class Declared implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "modelport.deployments.json", "[{\"model_id\": \"" + TestHub.SENTIMENT + "\", \"deployment_id\": \"declared-sentiment\","
                            + " \"task\": \"text-classification\"}, {\"model_id\": \"test-org/not-on-the-hub\", \"deployment_id\": \"declared-broken\"}]",
                    "modelport.deployments.readiness", "settled");
        }
    }

    @Test
    void declaredDeploymentsGateReadinessAndBelongToTheConfiguration() throws Exception {
        JsonPath health = awaitReady(Duration.ofSeconds(90));
        assertEquals("1 of 2 completed (MODELPORT_DEPLOYMENTS_READINESS=settled)", health.getString("checks[0].data.declared"));
        assertEquals("declared-broken (MODEL_NOT_FOUND)", health.getString("checks[0].data.declared_failed"));

        JsonPath ok = awaitEnded("declared-sentiment", Duration.ofSeconds(10));
        assertEquals("completed", ok.getString("status"));
        assertTrue(ok.getBoolean("declared"));
        JsonPath broken = awaitEnded("declared-broken", Duration.ofSeconds(10));
        assertEquals("failed", broken.getString("status"));
        assertEquals("MODEL_NOT_FOUND", broken.getString("error.code"));
        assertTrue(broken.getBoolean("declared"));

        for (String id : new String[] {"declared-sentiment", "declared-broken"}) {
            given().delete("/api/v1/deployments/" + id).then().statusCode(409)
                    .body("status", equalTo("error"))
                    .body("error.code", equalTo("DEPLOYMENT_DECLARED"))
                    .body("error.message", containsString("MODELPORT_DEPLOYMENTS"));
        }
        given().contentType(ContentType.JSON).body(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "declared-broken"))
                .post("/api/v1/deploy").then().statusCode(409).body("error.code", equalTo("DEPLOYMENT_DECLARED"));
        assertEquals("completed", given().get("/api/v1/deployments/declared-sentiment").jsonPath().getString("status"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "I love this"))
                .post("/api/v1/deployments/declared-sentiment/inference").then().statusCode(200)
                .body("status", equalTo("success"));

        // an API-made deployment beside the declared ones: deployed and deleted as ever
        deploy(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "from-the-api"));
        JsonPath api = awaitEnded("from-the-api", Duration.ofSeconds(60));
        assertEquals("completed", api.getString("status"));
        assertTrue(!api.getBoolean("declared"));
        given().delete("/api/v1/deployments/from-the-api").then().statusCode(200).body("status", equalTo("stopped"));

        String metrics = given().get("/q/metrics").asString();
        // the text format may end a label set with a comma
        assertTrue(metrics.matches("(?s).*modelport_deployments\\{status=\"failed\",?} 1\\.0\n.*"), "the failure is in the metrics");
    }

    private static JsonPath awaitReady(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        Response r = null;
        while (System.nanoTime() < end) {
            r = given().get("/q/health/ready");
            if (r.statusCode() == 200) {
                return r.jsonPath();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready in " + limit + ": " + (r == null ? null : r.asString()));
    }
}
