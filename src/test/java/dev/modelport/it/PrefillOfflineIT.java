package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes pre-fill Job and a replica on a read-only cache, with the packaged service as processes:
 * {@code MODELPORT_PREFILL=true} fetches the declared models' files into the cache and exits 1 when one of
 * them cannot be fetched (0 once all are there, without fetching a byte twice); then, with the hub gone,
 * {@code HF_HUB_OFFLINE=1} and no MODEL_STORAGE_PATH, a replica serves the declared model from that cache
 * and writes nothing to it.
 */
class PrefillOfflineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "prefill-org/tiny-bert-sentiment";
    private static final String GOOD = "[{\"model_id\": \"" + MODEL + "\", \"deployment_id\": \"sentiment\", \"task\": \"text-classification\"}]";
    private static final String WITH_MISSING = "[{\"model_id\": \"" + MODEL + "\", \"deployment_id\": \"sentiment\"},"
            + " {\"model_id\": \"prefill-org/not-on-the-hub\", \"deployment_id\": \"missing\"}]";

    @TempDir
    Path dir;

    @Test
    void prefillJobFillsTheCacheAndAnOfflineReplicaServesFromItWithoutWriting() throws Exception {
        Path repo = dir.resolve("hub").resolve(MODEL);
        TinyCheckpoints.bert(repo, Head.SEQUENCE_CLASSIFICATION);
        FakeHub.writeFile(dir.resolve("hub"), MODEL, "onnx/model.onnx", new byte[50_000]); // never selected
        Path cache = dir.resolve("cache");
        try (FakeHub hub = FakeHub.start(dir.resolve("hub")).lfsThreshold(10_000)) {
            Map<String, String> job = Map.of("HF_ENDPOINT", hub.url(), "HF_HUB_CACHE", cache.toString(),
                    "MODEL_STORAGE_PATH", "", "MODELPORT_PREFILL", "true");
            int failed = prefill(job, WITH_MISSING);
            assertEquals(1, failed, "one declared model is not on the hub: the Job fails");
            long fetched = hub.totalBytesServed();
            assertTrue(fetched > 0, "the other one was fetched");
            assertEquals(0, prefill(job, GOOD), "all declared models are in the cache");
            assertEquals(fetched, hub.totalBytesServed(), "a second pre-fill fetches nothing again");
            for (Path f : repoFiles(repo)) {
                String path = repo.relativize(f).toString();
                long expected = path.startsWith("onnx/") ? 0 : Files.size(f);
                assertEquals(expected, hub.bytesServed(MODEL, path), path + " fetched exactly once (or never)");
            }
        }
        assertFalse(Files.exists(dir.resolve("deployed")), "no metadata written with MODEL_STORAGE_PATH empty");

        Map<String, String> before = tree(cache);
        Map<String, String> replica = Map.of("HF_HUB_OFFLINE", "1", "HF_HUB_CACHE", cache.toString(),
                "HF_ENDPOINT", "http://127.0.0.1:" + ServiceProcess.freePort(), "MODEL_STORAGE_PATH", "",
                "MODELPORT_DEPLOYMENTS", GOOD);
        try (ServiceProcess s = ServiceProcess.start(dir, replica)) { // ready = the declared model is completed
            JsonNode ready = JSON.readTree(s.get("/q/health/ready").body()).path("checks").get(0).path("data");
            assertEquals("readable (HF_HUB_OFFLINE)", ready.path("hub_cache").asText(), ready.toString());
            assertEquals("off (MODEL_STORAGE_PATH is empty)", ready.path("model_storage").asText());
            assertEquals("completed", s.status("sentiment"), s.tail());
            HttpResponse<String> r = s.post("/api/v1/deployments/sentiment/inference", "{\"inputs\": \"I love this\"}");
            assertEquals(200, r.statusCode(), r.body());
            HttpResponse<String> delete = s.delete("/api/v1/deployments/sentiment");
            assertEquals(409, delete.statusCode(), delete.body());
            assertEquals("DEPLOYMENT_DECLARED", JSON.readTree(delete.body()).at("/error/code").asText());
        }
        assertEquals(before, tree(cache), "the offline replica wrote nothing to the cache");
        assertFalse(Files.exists(dir.resolve("deployed")), "nor any metadata");
    }

    private int prefill(Map<String, String> job, String declared) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(job);
        env.put("MODELPORT_DEPLOYMENTS", declared);
        ServiceProcess p = ServiceProcess.launch(dir, env, List.of(), ServiceProcess.freePort());
        try {
            return p.awaitExit(Duration.ofSeconds(90));
        } finally {
            p.close();
        }
    }

    private static List<Path> repoFiles(Path repo) throws IOException {
        try (Stream<Path> s = Files.walk(repo)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".hubmeta.json")).toList();
        }
    }

    /** Every entry of the cache with its size, modification time and link target. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                try {
                    String link = Files.isSymbolicLink(p) ? " -> " + Files.readSymbolicLink(p) : "";
                    out.put(root.relativize(p).toString(), Files.size(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + link);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return out;
    }
}
