package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 while a deployment is loading its weights (the first load of a process also starts the
 * PyTorch engine, a window of a second or more): the restarted service never leaves it in
 * {@code loading}. With the hub up it resumes from the cache (nothing downloaded again) and serves;
 * with the hub gone and its weights gone from the cache it ends {@code failed} with a code and a reason.
 */
class KillDuringLoadingIT {
    private static final String MODEL = "loading-org/tiny-bert-ner";
    private static final String WEIGHTS = "model.safetensors";
    private static final String ID = "loader";

    @TempDir
    Path dir;
    long weightBytes;

    @BeforeEach
    void writeModel() throws IOException {
        TinyCheckpoints.bert(dir.resolve("hub").resolve(MODEL), Head.TOKEN_CLASSIFICATION);
        weightBytes = Files.size(dir.resolve("hub").resolve(MODEL).resolve(WEIGHTS));
    }

    @Test
    void deploymentCaughtLoadingResumesFromTheCacheAfterACrash() throws Exception {
        try (FakeHub hub = FakeHub.start(dir.resolve("hub")).lfsThreshold(10_000)) {
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.url());
            crashWhileLoading(env);
            assertEquals(weightBytes, hub.bytesServed(MODEL, WEIGHTS), "the weights were all in the cache before the crash");

            ServiceProcess second = ServiceProcess.start(dir, env);
            try {
                JsonNode d = second.awaitEnded(ID);
                assertEquals("completed", d.path("status").asText(), d + "\n" + second.tail());
                var r = second.post("/api/v1/deployments/" + ID + "/inference",
                        "{\"inputs\": \"my name is sarah and i live in london\"}");
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("\"status\":\"success\""), r.body());
            } finally {
                second.close();
            }
            assertEquals(weightBytes, hub.bytesServed(MODEL, WEIGHTS), "resumed from the cache: no weight byte fetched again");
        }
    }

    @Test
    void deploymentCaughtLoadingFailsWithAReasonWhenTheHubIsGoneAndTheCacheLostItsWeights() throws Exception {
        try (FakeHub hub = FakeHub.start(dir.resolve("hub")).lfsThreshold(10_000)) {
            crashWhileLoading(Map.of("HF_ENDPOINT", hub.url()));
        }
        // With the cache intact, a cached revision stands in for an unreachable hub (ReplicasBehindBalancerIT);
        // here the weights' blob is gone too, so nothing can bring the deployment back.
        try (var snapshots = Files.walk(dir.resolve("cache"))) {
            for (Path p : snapshots.filter(p -> p.getFileName().toString().equals(WEIGHTS) && Files.isSymbolicLink(p)).toList()) {
                Files.delete(p.resolveSibling(Files.readSymbolicLink(p)));
            }
        }
        ServiceProcess second = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", "http://127.0.0.1:" + ServiceProcess.freePort()));
        try {
            JsonNode d = second.awaitEnded(ID);
            assertEquals("failed", d.path("status").asText(), d + "\n" + second.tail());
            assertFalse(d.path("error").path("code").asText().isEmpty(), "a failed deployment names its error: " + d);
            assertFalse(d.path("error").path("message").asText().isBlank(), "and says why: " + d);
            assertEquals(409, second.post("/api/v1/deployments/" + ID + "/inference", "{\"inputs\": \"x\"}").statusCode(),
                    "a failed deployment does not serve");
        } finally {
            second.close();
        }
        assertTrue(Files.readString(metadata()).contains("\"failed\""), "the failure is recorded, so the next start does not retry it");
    }

    /** Deploys, waits until the deployment is loading and metadata.json says so, then kill -9. */
    private void crashWhileLoading(Map<String, String> env) throws Exception {
        ServiceProcess first = ServiceProcess.start(dir, env);
        try {
            first.deploy(MODEL, ID);
            first.awaitStatus(ID, "loading", Duration.ofSeconds(60));
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!(Files.exists(metadata()) && Files.readString(metadata()).contains("\"loading\"")) && System.nanoTime() < end) {
                ServiceProcess.sleep(2);
            }
            first.kill();
            assertTrue(Files.readString(metadata()).contains("\"loading\""),
                    "the kill lands while loading: " + Files.readString(metadata()));
        } finally {
            first.kill();
        }
    }

    private Path metadata() {
        return dir.resolve("deployed").resolve(ID).resolve("metadata.json");
    }
}
