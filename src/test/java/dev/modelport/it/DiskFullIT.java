package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.api.ProgressClient;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Hugging Face cache lives on a real, small, full disk (a tmpfs mounted for the test, so the
 * kernel answers ENOSPC as a full disk does): a deployment whose weights do not fit fails with
 * DISK_FULL on the API and the WebSocket, the cache keeps no half file, the deployment that was
 * already there keeps serving, and a later deployment that fits completes.
 */
class DiskFullIT {
    private static final String SMALL = "disk-org/tiny-bert-sentiment";
    private static final String TOO_BIG = "disk-org/bigger-bert";
    private static final String LATER = "disk-org/tiny-distilbert";

    @TempDir
    Path dir;
    Path cache;
    boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        Path hub = dir.resolve("hub");
        TinyCheckpoints.bert(hub.resolve(SMALL), Head.SEQUENCE_CLASSIFICATION);
        TinyCheckpoints.distilbert(hub.resolve(LATER), Head.SEQUENCE_CLASSIFICATION);
        // about 12 MB of weights
        TinyCheckpoints.builder(TinyCheckpoints.Family.BERT, Head.SEQUENCE_CLASSIFICATION).size(256, 4, 4, 1024)
                .write(hub.resolve(TOO_BIG));
        long fitting = repoBytes(hub.resolve(SMALL)) + repoBytes(hub.resolve(LATER));
        long disk = 2 * fitting + 256 * 1024;
        assertTrue(repoBytes(hub.resolve(TOO_BIG)) > 3 * disk, "the big model cannot fit");

        cache = Files.createDirectories(dir.resolve("cache"));
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + disk / 1024 + "k", "modelport-disk-full", cache.toString());
        mounted = out == null;
        assumeTrue(mounted, "DiskFullIT mounts a small tmpfs as the model cache, which needs root (CAP_SYS_ADMIN): " + out);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            String out = run("umount", cache.toString());
            assertEquals(null, out, "umount " + cache);
        }
    }

    @Test
    void downloadHittingAFullDiskFailsCleanlyAndLeavesTheCacheValid() throws Exception {
        try (FakeHub hub = FakeHub.start(dir.resolve("hub")).lfsThreshold(10_000)) {
            ServiceProcess service = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", hub.url(), "HF_HUB_CACHE", cache.toString()));
            try {
                service.deploy(SMALL, "small");
                assertEquals("completed", service.awaitEnded("small").path("status").asText(), service.tail());

                service.deploy(TOO_BIG, "too-big");
                ProgressClient ws = ProgressClient.connect("ws://127.0.0.1:" + service.port + "/api/v1/ws/too-big");
                assertEquals(1000, ws.awaitClose(120), "the socket closes normally after the terminal event");
                JsonNode last = ws.events.getLast();
                assertEquals("failed", last.path("status").asText(), ws.events.toString());
                assertEquals("DISK_FULL", last.path("error").path("code").asText(), last.toString());

                JsonNode d = service.awaitEnded("too-big");
                assertEquals("failed", d.path("status").asText(), d.toString());
                assertEquals("DISK_FULL", d.path("error").path("code").asText(), d.toString());
                assertTrue(d.path("error").path("message").asText().contains("HF_HUB_CACHE"),
                        "the message names what is full: " + d.path("error"));

                assertCacheValid(hub);
                assertEquals(200, infer(service, "small"), "the deployment already there is unaffected");

                service.deploy(LATER, "later");
                assertEquals("completed", service.awaitEnded("later").path("status").asText(), service.tail());
                assertEquals(200, infer(service, "later"), "a deployment that fits still works");
            } finally {
                service.close();
            }
        }
    }

    /**
     * The weights that hit the full disk left nothing; a sibling file stopped by that failure may keep its
     * {@code .incomplete} bytes (a valid resume point, as huggingface_hub keeps them); every blob is whole;
     * snapshot entries point at blobs; nothing of the failed model's weights is under snapshots/.
     */
    private void assertCacheValid(FakeHub hub) throws IOException {
        List<byte[]> hubFiles = hubFiles(hub);
        String weightsSha256 = hub.sha256(TOO_BIG, "model.safetensors");
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (p.getParent().getFileName().toString().equals("blobs")) {
                    assertFalse(name.startsWith(weightsSha256), "the file that did not fit left nothing: " + p);
                    byte[] bytes = Files.readAllBytes(p);
                    boolean partial = name.endsWith(".incomplete");
                    assertTrue(hubFiles.stream().anyMatch(f -> partial ? startsWith(f, bytes) : Arrays.equals(f, bytes)),
                            (partial ? "a partial blob is a prefix of its file: " : "a whole blob: ") + p);
                }
                if (Files.isSymbolicLink(p)) {
                    assertTrue(Files.exists(p), "snapshot entry points at a blob: " + p);
                }
            }
        }
        Path bigSnapshots = cache.resolve("models--disk-org--bigger-bert/snapshots");
        try (Stream<Path> files = Files.exists(bigSnapshots) ? Files.walk(bigSnapshots) : Stream.empty()) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().equals("model.safetensors")),
                    "no weights of the failed model under snapshots/");
        }
        Path smallWeights = cache.resolve("models--disk-org--tiny-bert-sentiment/snapshots")
                .resolve(hub.commit(SMALL)).resolve("model.safetensors");
        assertTrue(Files.exists(smallWeights, LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(Files.readAllBytes(dir.resolve("hub").resolve(SMALL).resolve("model.safetensors")),
                Files.readAllBytes(smallWeights), "the earlier model's cached weights are intact");
    }

    private static List<byte[]> hubFiles(FakeHub hub) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String repo : List.of(SMALL, TOO_BIG, LATER)) {
            try (Stream<Path> files = Files.walk(hub.root().resolve(repo))) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    private static boolean startsWith(byte[] whole, byte[] prefix) {
        return whole.length >= prefix.length && Arrays.equals(whole, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int infer(ServiceProcess s, String id) throws Exception {
        return s.post("/api/v1/deployments/" + id + "/inference", "{\"inputs\": \"I love this product!\"}").statusCode();
    }

    private static long repoBytes(Path repo) throws IOException {
        try (Stream<Path> files = Files.walk(repo)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out.strip();
    }
}
