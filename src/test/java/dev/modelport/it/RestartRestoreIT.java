package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service is killed (-9) while it serves a completed deployment, with requests in
 * flight; restarted with the hub gone, it brings the deployment back from the cache alone, answers
 * the same, and serves a new burst of requests without an error.
 */
class RestartRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "restart-org/tiny-bert-sentiment";
    private static final String INFERENCE = "/api/v1/deployments/survivor/inference";
    private static final String BODY = "{\"inputs\": \"I love this product!\", \"parameters\": {\"top_k\": null}}";

    @TempDir
    Path dir;

    @Test
    void completedDeploymentSurvivesACrashWhileServingWithTheHubOff() throws Exception {
        TinyCheckpoints.bert(dir.resolve("hub").resolve(MODEL), Head.SEQUENCE_CLASSIFICATION);
        String answer;
        try (FakeHub hub = FakeHub.start(dir.resolve("hub"))) {
            ServiceProcess first = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", hub.url()));
            try {
                first.deploy(MODEL, "survivor");
                assertEquals("completed", first.awaitEnded("survivor").path("status").asText(), first.tail());
                answer = infer(first);
                try (InferenceLoad load = InferenceLoad.start(first, INFERENCE, BODY, 8)) {
                    load.awaitAnswered(100);
                    int inFlight = load.inFlight();
                    first.kill();
                    assertTrue(inFlight > 0, "requests were in flight when the process died");
                }
            } finally {
                first.kill();
            }
        }
        assertTrue(Files.readString(dir.resolve("deployed/survivor/metadata.json")).contains("\"completed\""),
                "metadata.json is whole after the crash");
        // The hub is closed now; point at a port nobody listens on to be sure nothing is fetched.
        ServiceProcess second = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", "http://127.0.0.1:" + ServiceProcess.freePort()));
        try {
            JsonNode d = second.awaitEnded("survivor");
            assertEquals("completed", d.path("status").asText(), second.tail());
            assertEquals(answer, infer(second), "same model, same answer after the restart");
            try (InferenceLoad load = InferenceLoad.start(second, INFERENCE, BODY, 8)) {
                load.awaitAnswered(200);
                load.stop();
                assertEquals(0, load.failures(), "after the restart every request succeeds: " + load.firstFailure());
            }
        } finally {
            second.close();
        }
    }

    private static String infer(ServiceProcess s) throws Exception {
        var r = s.post(INFERENCE, BODY);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("result").toString();
    }

}
