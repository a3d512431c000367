package dev.modelport.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelport.testing.hub.FakeHub;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of {@link HubClient} against {@code curl} fetching the same 256 MB LFS file from the same
 * FakeHub in the same run, in alternating rounds after one untimed warm-up; then the same bytes served as
 * a git-stored file (no sha256 to verify) to separate the transport from the verification. A measurement,
 * not a pass/fail test:
 * {@code ./mvnw -B -q -Dquarkus.quinoa=false test -Dtest=DownloadBenchmark -DexcludedTestGroups=none}.
 */
@Tag("benchmark")
class DownloadBenchmark {
    private static final String REPO = "bench-org/big-model";
    private static final long SIZE = 256L << 20;
    private static final int ROUNDS = 3;

    @TempDir
    Path root;
    @TempDir
    Path work;

    @Test
    void oursAgainstCurl() throws Exception {
        writeSafetensors(root.resolve(REPO).resolve("model.safetensors"));
        FakeHub.writeFile(root, REPO, "config.json", "{\"architectures\":[\"BertModel\"]}".getBytes(StandardCharsets.UTF_8));
        try (FakeHub hub = FakeHub.start(root)) {
            String sha256 = hub.sha256(REPO, "model.safetensors"); // hashed once up front, not inside a timed round
            // one untimed pass first: the JIT compiles the download path, as in a service that has run a while
            rounds(hub, "warm-up (not counted)", sha256, 1);
            double ratio = rounds(hub, "LFS file, sha256-verified", sha256, ROUNDS);
            // the same bytes as a git-stored file: no redirect and nothing to verify, so only the transport is compared
            hub.lfsThreshold(Long.MAX_VALUE);
            rounds(hub, "git-stored file, transport only", null, ROUNDS);
            System.out.printf("BENCHMARK ratio ours/curl %.2f (target >= 0.9)%n", ratio);
        }
    }

    /** Alternating rounds of ours and curl; returns the ratio of their mean throughputs. */
    private double rounds(FakeHub hub, String what, String sha256, int rounds) throws Exception {
        String url = hub.url() + "/" + REPO + "/resolve/main/model.safetensors";
        long size = SIZE + headerBytes();
        double oursSeconds = 0;
        double curlSeconds = 0;
        for (int round = 1; round <= rounds; round++) {
            Path cache = work.resolve("cache-" + round);
            HubClient client = new HubClient(TestRepos.settings(hub, cache));
            ModelInfo info = client.modelInfo(REPO, "main");
            RepoFile file = HubClientDownloadTest.file(info, "model.safetensors");
            assertEquals(sha256, file.sha256());
            long t0 = System.nanoTime();
            Path snap = client.download(info, List.of(file), (f, d, t) -> { }, new Cancellation());
            double ours = (System.nanoTime() - t0) / 1e9;
            assertEquals(size, Files.size(snap.resolve("model.safetensors")));
            delete(cache);

            Path out = work.resolve("curl-" + round);
            long t1 = System.nanoTime();
            Process curl = new ProcessBuilder("curl", "-s", "-L", "-o", out.toString(), url).inheritIO().start();
            assertEquals(0, curl.waitFor());
            double curlTime = (System.nanoTime() - t1) / 1e9;
            assertEquals(size, Files.size(out));
            Files.delete(out);

            oursSeconds += ours;
            curlSeconds += curlTime;
            System.out.printf("%s, round %d: modelport %.0f MB/s, curl %.0f MB/s%n", what, round, mbps(ours), mbps(curlTime));
        }
        System.out.printf("%s, %d MB x %d rounds: modelport %.0f MB/s, curl %.0f MB/s, ratio ours/curl %.2f%n", what,
                SIZE >> 20, rounds, mbps(oursSeconds / rounds), mbps(curlSeconds / rounds), curlSeconds / oursSeconds);
        return curlSeconds / oursSeconds;
    }

    private static double mbps(double seconds) {
        return (SIZE + headerBytes()) / 1e6 / seconds;
    }

    private static String header() {
        return "{\"weight\":{\"dtype\":\"U8\",\"shape\":[" + SIZE + "],\"data_offsets\":[0," + SIZE + "]}}";
    }

    private static long headerBytes() {
        return 8 + header().length();
    }

    /** A valid safetensors file: one U8 tensor of random bytes (random, so nothing on the way can compress it). */
    private static Path writeSafetensors(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] h = header().getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(42);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] len = new byte[8];
            for (int i = 0; i < 8; i++) {
                len[i] = (byte) (h.length >>> (8 * i));
            }
            out.write(len);
            out.write(h);
            for (long written = 0; written < SIZE; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
        return file;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
