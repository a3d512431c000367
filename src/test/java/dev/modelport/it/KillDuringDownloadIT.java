package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 while the weights are half downloaded (the hub throttled so the kill lands mid-file): the
 * restarted service resumes the deployment from the partial blob, finishes it, and the hub serves the
 * weights well under twice in all.
 */
class KillDuringDownloadIT {
    private static final String MODEL = "crash-org/tiny-bert-sentiment";
    private static final String WEIGHTS = "model.safetensors";

    @TempDir
    Path dir;

    @Test
    void downloadResumesFromItsPartialBlobAfterACrash() throws Exception {
        Path hubRoot = dir.resolve("hub");
        TinyCheckpoints.bert(hubRoot.resolve(MODEL), Head.SEQUENCE_CLASSIFICATION);
        long size = Files.size(hubRoot.resolve(MODEL).resolve(WEIGHTS));
        // served as an LFS file (sha256-verified, redirected), as real weights are
        try (FakeHub hub = FakeHub.start(hubRoot).lfsThreshold(10_000)) {
            hub.throttle(Math.max(4_000, size / 8));
            Map<String, String> env = Map.of("HF_ENDPOINT", hub.url());
            ServiceProcess first = ServiceProcess.start(dir, env);
            try {
                first.deploy(MODEL, "crashy");
                awaitServed(hub, size * 2 / 5, first);
                assertEquals("downloading", first.status("crashy"), "the kill lands during the download");
            } finally {
                first.kill();
            }
            // the hub's writer for the dead connection counts until its next write fails: let it end
            long servedBeforeCrash = awaitQuiet(hub);
            List<Path> partial = incompleteBlobs();
            assertFalse(partial.isEmpty(), "the crash leaves a partial blob to resume from");
            long partialBytes = Files.size(partial.get(0));
            assertTrue(partialBytes > 0 && partialBytes < size, "partial blob of " + partialBytes + " bytes");

            // faster, but still throttled: an unthrottled hub buffers whole bodies before writing them
            hub.throttle(size);
            ServiceProcess second = ServiceProcess.start(dir, env);
            String secondLog;
            try {
                JsonNode d = second.awaitEnded("crashy");
                assertEquals("completed", d.path("status").asText(), d + "\n" + second.tail());
                var r = second.post("/api/v1/deployments/crashy/inference", "{\"inputs\": \"I love this product!\"}");
                assertEquals(200, r.statusCode(), r.body());
            } finally {
                secondLog = second.tail();
                second.close();
            }
            long servedAfterCrash = hub.bytesServed(MODEL, WEIGHTS) - servedBeforeCrash;
            assertTrue(servedAfterCrash <= size - partialBytes + 1024,
                    "resumed with a Range request: " + servedAfterCrash + " bytes after the crash, " + partialBytes
                            + " of " + size + " were on disk; the restarted service's log:\n" + secondLog);
            assertTrue(hub.bytesServed(MODEL, WEIGHTS) < size * 3 / 2,
                    "weights served " + hub.bytesServed(MODEL, WEIGHTS) + " bytes for a " + size + "-byte file");
            assertTrue(incompleteBlobs().isEmpty(), "no partial blob left behind");
        }
    }

    private List<Path> incompleteBlobs() throws Exception {
        Path cache = dir.resolve("cache");
        if (!Files.exists(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(cache)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".incomplete")).toList();
        }
    }

    private static void awaitServed(FakeHub hub, long bytes, ServiceProcess s) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (hub.bytesServed(MODEL, WEIGHTS) >= bytes) {
                return;
            }
            ServiceProcess.sleep(20);
        }
        throw new AssertionError("weights download did not reach " + bytes + " bytes\n" + s.tail());
    }

    /** Waits until the hub's count for the weights has not moved for half a second; returns it. */
    private static long awaitQuiet(FakeHub hub) {
        long last = hub.bytesServed(MODEL, WEIGHTS);
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < Duration.ofMillis(500).toNanos()) {
            ServiceProcess.sleep(50);
            long now = hub.bytesServed(MODEL, WEIGHTS);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

}
