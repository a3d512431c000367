package dev.modelport.api;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;

/** Small helpers shared by the API tests. */
final class ApiTestSupport {
    static final Set<String> ENDED = Set.of("completed", "failed", "cancelled", "stopped");

    private ApiTestSupport() {
    }

    static JsonPath deploy(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/deploy")
                .then().statusCode(202).extract().jsonPath();
    }

    /** Polls the deployment until it reaches one of the ended statuses or the time runs out. */
    static JsonPath awaitEnded(String id, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        JsonPath last = null;
        while (System.nanoTime() < end) {
            last = given().get("/api/v1/deployments/" + id).then().extract().jsonPath();
            if (ENDED.contains(last.getString("status"))) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deployment " + id + " did not end in " + limit + "; last: "
                + (last == null ? null : last.prettify()));
    }

    static void undeploy(String id) {
        given().delete("/api/v1/deployments/" + id);
    }
}
