package dev.modelport.hub;

import static dev.modelport.hub.HubClientDownloadTest.file;
import static dev.modelport.hub.TestRepos.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.testing.hub.FakeHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each network fault of the Hub stand-in, and what the user gets: a verified file or a clean, coded failure. */
class HubClientFaultTest {
    private static final int WEIGHT_FLOATS = 250_000; // 1 MB of weights

    @TempDir
    Path root;
    @TempDir
    Path cache;
    FakeHub hub;
    HubClient client;
    ModelInfo info;
    RepoFile weights;
    byte[] weightBytes;

    @BeforeEach
    void setUp() throws Exception {
        TestRepos.bertRepo(root, REPO, WEIGHT_FLOATS);
        hub = FakeHub.start(root).lfsThreshold(TestRepos.LFS_THRESHOLD);
        client = new HubClient(TestRepos.settings(hub, cache));
        info = client.modelInfo(REPO, "main");
        weights = file(info, "model.safetensors");
        weightBytes = Files.readAllBytes(root.resolve(REPO).resolve("model.safetensors"));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private Path download(RepoFile... files) {
        return client.download(info, List.of(files), (f, d, t) -> { }, new Cancellation());
    }

    private ModelportException failure(RepoFile... files) {
        return assertThrows(ModelportException.class, () -> download(files));
    }

    private Path blobs() {
        return cache.resolve("models--test-org--tiny-bert/blobs");
    }

    private Path snapshotEntry(String path) {
        return cache.resolve("models--test-org--tiny-bert/snapshots").resolve(info.commit()).resolve(path);
    }

    private void assertVerifiedWeights(Path snapshot) throws Exception {
        assertArrayEquals(weightBytes, Files.readAllBytes(snapshot.resolve("model.safetensors")));
    }

    private void assertNothingOf(RepoFile f) throws Exception {
        String etag = f.isLfs() ? f.sha256() : f.blobId();
        assertFalse(Files.exists(blobs().resolve(etag)), "no blob");
        assertFalse(Files.exists(snapshotEntry(f.path()), java.nio.file.LinkOption.NOFOLLOW_LINKS), "no snapshot entry");
    }

    @Test
    void connectionCutMidFileIsResumedAndVerified() throws Exception {
        long cut = weights.size() / 2;
        hub.throttle(5_000_000).dropAfterBytes(cut); // paced, so bytes sent before the reset have arrived
        assertVerifiedWeights(download(weights));
        long served = hub.bytesServed(REPO, "model.safetensors");
        assertTrue(served < cut + weights.size(), "resumed, not started over: " + served);
        assertEquals(2, hub.resolveRequests(REPO, "model.safetensors"));
    }

    @Test
    void bodyEndingEarlyDespiteContentLengthIsResumedAndVerified() throws Exception {
        hub.truncateAfterBytes(300_000);
        assertVerifiedWeights(download(weights));
        assertEquals(weights.size(), hub.bytesServed(REPO, "model.safetensors"), "resumed exactly where the body ended");
    }

    @Test
    void serverErrorOnceIsRetried() throws Exception {
        hub.statusOnce(500);
        assertVerifiedWeights(download(weights));
        assertEquals(2, hub.resolveRequests(REPO, "model.safetensors"));
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterThenSucceeds() throws Exception {
        hub.tooManyRequestsOnce(2);
        assertVerifiedWeights(download(weights));
        List<Long> times = hub.requestTimes("/" + REPO + "/resolve/" + info.commit() + "/model.safetensors");
        assertEquals(2, times.size());
        assertTrue(times.get(1) - times.get(0) >= Duration.ofSeconds(2).toNanos(), "waited for Retry-After (2 s), not the 0.5 s backoff");
    }

    @Test
    void stalledTransferIsDroppedAndResumed() throws Exception {
        client = new HubClient(TestRepos.timing(TestRepos.settings(hub, cache), Duration.ofSeconds(60), Duration.ofMillis(500), 3));
        hub.stallAfterBytes(200_000, Duration.ofSeconds(30));
        assertVerifiedWeights(download(weights));
        assertEquals(2, hub.resolveRequests(REPO, "model.safetensors"));
    }

    @Test
    void wrongSha256FailsWithChecksumMismatchAndLeavesNothing() throws Exception {
        hub.wrongSha256(REPO, "model.safetensors");
        info = client.modelInfo(REPO, "main");
        weights = file(info, "model.safetensors");
        ModelportException e = failure(weights);
        assertEquals(ErrorCode.CHECKSUM_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("model.safetensors"));
        assertNothingOf(weights);
        assertFalse(Files.exists(blobs().resolve(weights.sha256() + ".incomplete")), "the partial file is removed");
    }

    @Test
    void redirectToDeadHostFailsCleanly() throws Exception {
        client = new HubClient(TestRepos.timing(TestRepos.settings(hub, cache), Duration.ofSeconds(60), Duration.ofSeconds(2), 1));
        hub.redirectLfsToDeadHost();
        ModelportException e = failure(weights);
        assertEquals(ErrorCode.DOWNLOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        assertNothingOf(weights);
    }

    @Test
    void wrongLinkedSizeFailsCleanlyBeforeAnyByte() throws Exception {
        hub.wrongLinkedSize(REPO, "model.safetensors", weights.size() + 1);
        ModelportException e = failure(weights);
        assertEquals(ErrorCode.DOWNLOAD_FAILED, e.code());
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        assertNothingOf(weights);
        assertEquals(0, hub.bytesServed(REPO, "model.safetensors"));
        assertFalse(Files.exists(blobs().resolve(weights.sha256() + ".incomplete")));
    }

    @Test
    void redirectOfSmallFilesToAnotherPathIsFollowed() throws Exception {
        hub.redirectSmallFiles(true);
        Path cfg = client.fetchFile(info, "config.json");
        assertArrayEquals(Files.readAllBytes(root.resolve(REPO).resolve("config.json")), Files.readAllBytes(cfg));
    }

    @Test
    void oneFailingFileFailsTheCallAndTheOthersKeepNoHalfFiles() throws Exception {
        hub.wrongSha256(REPO, "model.safetensors");
        info = client.modelInfo(REPO, "main");
        List<RepoFile> files = client.selectFiles(info).selected();
        ModelportException e = assertThrows(ModelportException.class,
                () -> client.download(info, files, (f, d, t) -> { }, new Cancellation()));
        assertEquals(ErrorCode.CHECKSUM_MISMATCH, e.code());
        try (Stream<Path> s = Files.list(blobs())) {
            // finished small files may stay (they are verified and reusable); no final-named blob is half-written
            for (Path p : s.toList()) {
                if (!p.toString().endsWith(".incomplete")) {
                    RepoFile f = files.stream().filter(x -> p.getFileName().toString().equals(x.isLfs() ? x.sha256() : x.blobId()))
                            .findFirst().orElseThrow();
                    assertEquals(f.size(), Files.size(p));
                }
            }
        }
    }
}
