package dev.modelport.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelport.api.TestHub;
import dev.modelport.generation.LiveGeneration.EventStream;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MAX_QUEUE_SIZE and INFERENCE_TIMEOUT_MS on generations: two in flight at most, and 1.5 s for a
 * non-streamed generation (or a stream's first token), against a tiny GPT-2 asked for 4000 tokens.
 */
@QuarkusTest
@TestProfile(GenerationLimitsTest.TwoInFlight.class)
class GenerationLimitsTest {
    private static final String ID = "gen-limits";
    private static final String INFERENCE = "/api/v1/deployments/" + ID + "/inference";

    public static class TwoInFlight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("modelport.serving.max-queue-size", "2", "modelport.serving.inference-timeout-ms", "1500");
        }
    }

    @TestHTTPResource("/")
    URI base;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @BeforeEach
    void deployOnce() throws Exception {
        GenerationServingTest.writeLongGpt2(Path.of(hubRoot));
        LiveGeneration.deploy(GenerationServingTest.LONG, ID);
    }

    private static Response post(String path, String body) {
        return RestAssured.given().contentType(ContentType.JSON).body(body).post(path);
    }

    @Test
    void aThirdGenerationIsTurnedAwayWith429UntilOneEnds() throws Exception {
        double rejected = LiveGeneration.metric("modelport_inference_requests_total", ID, "rejected");
        try (EventStream one = EventStream.open(base, INFERENCE, GenerationServingTest.body("Hello", 4000, true));
             EventStream two = EventStream.open(base, INFERENCE, GenerationServingTest.body("Hi", 4000, true))) {
            assertNotNull(one.next());
            assertNotNull(two.next());

            Response full = post(INFERENCE, GenerationServingTest.body("Hey", 4, false));
            assertEquals(429, full.statusCode(), full.asString());
            assertEquals("QUEUE_FULL", full.jsonPath().getString("error.code"));
            assertEquals("1", full.header("Retry-After"));
            // a stream is refused before it starts, with the status, not an event
            assertEquals(429, post(INFERENCE, GenerationServingTest.body("Hey", 4, true)).statusCode());
            Response openAi = post("/v1/completions", "{\"model\": \"" + ID + "\", \"prompt\": \"Hey\", \"max_tokens\": 4}");
            assertEquals(429, openAi.statusCode(), openAi.asString());
            assertEquals("1", openAi.header("Retry-After"));
        }
        assertEquals(rejected + 3, LiveGeneration.metric("modelport_inference_requests_total", ID, "rejected"));
        // the two clients went away: their generations stop and free their slots
        Response next = null;
        for (int i = 0; i < 600; i++) {
            next = post(INFERENCE, GenerationServingTest.body("Hey", 4, false));
            if (next.statusCode() != 429) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(200, next.statusCode(), next.asString());
    }

    @Test
    void anotherDeploymentOnTheDeviceIsAnsweredWhileAGenerationRuns() throws Exception {
        LiveGeneration.deploy(TestHub.SENTIMENT, "limits-neighbour");
        try (EventStream sse = EventStream.open(base, INFERENCE, GenerationServingTest.body("Hello", 4000, true))) {
            assertNotNull(sse.next());
            Response other = post("/api/v1/deployments/limits-neighbour/inference", "{\"inputs\": \"good\"}");
            assertEquals(200, other.statusCode(), other.asString());
            // the generation lends the device one pass at a time: the other deployment did not wait for its end
            assertEquals(1, LiveGeneration.metric("modelport_queue_depth", ID, null), "the generation is still running");
            assertTrue(sse.next().get("generated_text").isNull());
        }
    }

    @Test
    void aGenerationOverTheTimeLimitGets504AndIsStopped() throws Exception {
        double timeouts = LiveGeneration.metric("modelport_inference_requests_total", ID, "timeout");
        double tokens = LiveGeneration.metric("modelport_generated_tokens_total", ID, null);
        Response slow = post(INFERENCE, GenerationServingTest.body("Hello", 4000, false));
        assertEquals(504, slow.statusCode(), slow.asString());
        assertEquals("INFERENCE_TIMEOUT", slow.jsonPath().getString("error.code"));
        assertEquals(timeouts + 1, LiveGeneration.metric("modelport_inference_requests_total", ID, "timeout"));
        assertTrue(LiveGeneration.metric("modelport_generated_tokens_total", ID, null) - tokens < 4000,
                "the generation was stopped, not run to its end");
        assertEquals(0, LiveGeneration.metric("modelport_queue_depth", ID, null), "its slot is free");
    }
}
