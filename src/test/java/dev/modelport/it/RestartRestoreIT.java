package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packaged service is killed (-9) with a completed deployment; restarted with the hub gone, it
 * brings the deployment back from the cache alone and answers the same.
 */
class RestartRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "restart-org/tiny-bert-sentiment";

    @TempDir
    Path dir;

    @Test
    void completedDeploymentSurvivesACrashWithTheHubOff() throws Exception {
        TinyCheckpoints.bert(dir.resolve("hub").resolve(MODEL), Head.SEQUENCE_CLASSIFICATION);
        String answer;
        try (FakeHub hub = FakeHub.start(dir.resolve("hub"))) {
            ServiceProcess first = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", hub.url()));
            try {
                assertEquals(202, first.post("/api/v1/deploy", "{\"model_id\":\"" + MODEL + "\",\"deployment_id\":\"survivor\"}").statusCode());
                assertEquals("completed", first.awaitEnded("survivor").path("status").asText(), first.tail());
                answer = infer(first);
            } finally {
                first.kill();
            }
        }
        // The hub is closed now; point at a port nobody listens on to be sure nothing is fetched.
        ServiceProcess second = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", "http://127.0.0.1:" + ServiceProcess.freePort()));
        try {
            JsonNode d = second.awaitEnded("survivor");
            assertEquals("completed", d.path("status").asText(), second.tail());
            assertEquals(answer, infer(second), "same model, same answer after the restart");
        } finally {
            second.close();
        }
    }

    private static String infer(ServiceProcess s) throws Exception {
        var r = s.post("/api/v1/deployments/survivor/inference", "{\"inputs\": \"I love this product!\", \"parameters\": {\"top_k\": null}}");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("result").toString();
    }

}
