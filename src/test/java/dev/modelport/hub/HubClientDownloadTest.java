package dev.modelport.hub;

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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads into the huggingface_hub cache layout: links, refs, reuse, sharing, resume, cancel, time limit. */
class HubClientDownloadTest {
    private static final int WEIGHT_FLOATS = 300_000; // 1.2 MB of weights

    @TempDir
    Path root;
    @TempDir
    Path cache;
    FakeHub hub;
    HubClient client;

    @BeforeEach
    void setUp() {
        TestRepos.bertRepo(root, REPO, WEIGHT_FLOATS);
        hub = FakeHub.start(root).lfsThreshold(TestRepos.LFS_THRESHOLD);
        client = new HubClient(TestRepos.settings(hub, cache));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private byte[] source(String path) throws Exception {
        return Files.readAllBytes(root.resolve(REPO).resolve(path));
    }

    private Path repoCache() {
        return cache.resolve("models--test-org--tiny-bert");
    }

    /** Records every progress call so tests can check order and totals. */
    static final class Recorder implements DownloadListener {
        final List<long[]> ticks = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(String file, long bytesDone, long bytesTotal) {
            ticks.add(new long[] {bytesDone, bytesTotal});
        }

        long last() {
            return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1)[0];
        }

        boolean neverDecreases() {
            for (int i = 1; i < ticks.size(); i++) {
                if (ticks.get(i)[0] < ticks.get(i - 1)[0]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void downloadLaysOutBlobsSnapshotsAndRefsLikeHuggingfaceHub() throws Exception {
        ModelInfo info = client.modelInfo(REPO, "main");
        FileSelection sel = client.selectFiles(info);
        Recorder progress = new Recorder();
        Path snapshot = client.download(info, sel.selected(), progress, new Cancellation());

        assertEquals(repoCache().resolve("snapshots").resolve(info.commit()), snapshot);
        assertEquals(info.commit(), Files.readString(repoCache().resolve("refs/main")));
        String sha256 = hub.sha256(REPO, "model.safetensors");
        assertEquals(Path.of("../../blobs/" + sha256), Files.readSymbolicLink(snapshot.resolve("model.safetensors")));
        assertEquals("../../../blobs/", Files.readSymbolicLink(snapshot.resolve("1_Pooling/config.json")).toString().substring(0, 15));
        for (RepoFile f : sel.selected()) {
            Path link = snapshot.resolve(f.path());
            assertTrue(Files.isSymbolicLink(link), f.path() + " is a link");
            String etag = f.isLfs() ? f.sha256() : f.blobId();
            assertEquals(repoCache().resolve("blobs").resolve(etag).toRealPath(), link.toRealPath());
            assertArrayEquals(source(f.path()), Files.readAllBytes(link));
        }
        assertFalse(Files.exists(snapshot.resolve("README.md")), "skipped files are not fetched");
        try (var blobs = Files.list(repoCache().resolve("blobs"))) {
            assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")));
        }
        assertEquals(sel.totalBytes(), progress.last());
        assertTrue(progress.neverDecreases());
        assertTrue(progress.ticks.stream().allMatch(t -> t[1] == sel.totalBytes()));
        assertEquals(Optional.of(snapshot), client.cachedSnapshot(REPO, info.commit(), List.of("config.json", "1_Pooling/config.json")));
        assertEquals(Optional.empty(), client.cachedSnapshot(REPO, info.commit(), List.of("README.md")));
    }

    @Test
    void cachedBlobsAreNotFetchedAgainButCountAsDone() throws Exception {
        ModelInfo info = client.modelInfo(REPO, "main");
        List<RepoFile> files = client.selectFiles(info).selected();
        client.download(info, files, (f, d, t) -> { }, new Cancellation());
        long served = hub.totalBytesServed();
        Recorder again = new Recorder();
        client.download(info, files, again, new Cancellation());
        assertEquals(served, hub.totalBytesServed());
        assertEquals(client.selectFiles(info).totalBytes(), again.last());
    }

    @Test
    void revisionByTagAndByCommit() throws Exception {
        hub.addRef(REPO, "v1.0");
        ModelInfo byTag = client.modelInfo(REPO, "v1.0");
        assertEquals(hub.commit(REPO), byTag.commit());
        client.download(byTag, List.of(file(byTag, "config.json")), (f, d, t) -> { }, new Cancellation());
        assertEquals(byTag.commit(), Files.readString(repoCache().resolve("refs/v1.0")));

        ModelInfo byCommit = client.modelInfo(REPO, hub.commit(REPO));
        assertEquals(byTag.commit(), byCommit.commit());
        Path cfg = client.fetchFile(byCommit, "config.json");
        assertArrayEquals(source("config.json"), Files.readAllBytes(cfg));
        assertFalse(Files.exists(repoCache().resolve("refs").resolve(byCommit.commit())), "a commit needs no ref");
    }

    @Test
    void twoConcurrentDownloadsFetchEachBlobOnce() throws Exception {
        hub.throttle(2_000_000); // the weights take ~0.6 s, so the two calls overlap
        ModelInfo info = client.modelInfo(REPO, "main");
        List<RepoFile> files = client.selectFiles(info).selected();
        HubClient other = new HubClient(TestRepos.settings(hub, cache));
        CyclicBarrier start = new CyclicBarrier(2);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Path> fa = pool.submit(() -> {
                start.await();
                return client.download(info, files, a, new Cancellation());
            });
            Future<Path> fb = pool.submit(() -> {
                start.await();
                return other.download(info, files, b, new Cancellation());
            });
            assertEquals(fa.get(), fb.get());
        }
        for (RepoFile f : files) {
            assertEquals(f.size(), hub.bytesServed(REPO, f.path()), f.path() + " was served exactly once");
        }
        long total = client.selectFiles(info).totalBytes();
        assertEquals(total, a.last());
        assertEquals(total, b.last());
        assertTrue(a.neverDecreases() && b.neverDecreases());
    }

    @Test
    void parallelismBoundsTheFilesFetchedAtOnce() throws Exception {
        for (int i = 1; i <= 3; i++) {
            FakeHub.writeFile(root, REPO, "model-0000" + i + "-of-00003.safetensors", TestRepos.safetensors(100_000, i));
        }
        hub.throttle(2_000_000);
        for (int parallelism : new int[] {1, 2}) {
            Path fresh = cache.resolve("p" + parallelism);
            HubClient limited = new HubClient(TestRepos.parallelism(TestRepos.settings(hub, fresh), parallelism));
            ModelInfo info = limited.modelInfo(REPO, "main");
            List<RepoFile> shards = info.files().stream().filter(f -> f.path().startsWith("model-0000")).toList();
            hub.resetCounters();
            Path snap = limited.download(info, shards, (f, d, t) -> { }, new Cancellation());
            assertTrue(hub.maxConcurrentBodies() <= parallelism, "at most " + parallelism + " at once: " + hub.maxConcurrentBodies());
            for (RepoFile f : shards) {
                assertArrayEquals(source(f.path()), Files.readAllBytes(snap.resolve(f.path())));
            }
        }
    }

    @Test
    void restartResumesAPartialBlobAndVerifiesTheWholeFile() throws Exception {
        ModelInfo info = client.modelInfo(REPO, "main");
        RepoFile weights = file(info, "model.safetensors");
        byte[] full = source("model.safetensors");
        int half = full.length / 2;
        Path part = repoCache().resolve("blobs").resolve(weights.sha256() + ".incomplete");
        Files.createDirectories(part.getParent());
        Files.write(part, Arrays.copyOf(full, half));

        Recorder progress = new Recorder();
        Path snap = client.download(info, List.of(weights), progress, new Cancellation());
        assertArrayEquals(full, Files.readAllBytes(snap.resolve("model.safetensors")));
        assertEquals(full.length - half, hub.bytesServed(REPO, "model.safetensors"), "only the missing bytes were fetched");
        assertEquals(half, progress.ticks.get(0)[0], "the resumed bytes count as done from the start");
    }

    @Test
    void resumedPrefixThatDoesNotMatchFailsTheChecksum() throws Exception {
        ModelInfo info = client.modelInfo(REPO, "main");
        RepoFile weights = file(info, "model.safetensors");
        byte[] corrupt = Arrays.copyOf(source("model.safetensors"), 1000);
        corrupt[10] ^= 1;
        Path part = repoCache().resolve("blobs").resolve(weights.sha256() + ".incomplete");
        Files.createDirectories(part.getParent());
        Files.write(part, corrupt);

        ModelportException e = assertThrows(ModelportException.class,
                () -> client.download(info, List.of(weights), (f, d, t) -> { }, new Cancellation()));
        assertEquals(ErrorCode.CHECKSUM_MISMATCH, e.code());
        assertFalse(Files.exists(part));
        assertFalse(Files.exists(repoCache().resolve("blobs").resolve(weights.sha256())));
    }

    @Test
    void cancelStopsPromptlyAndKeepsThePartialBlobForLater() throws Exception {
        hub.throttle(400_000);
        ModelInfo info = client.modelInfo(REPO, "main");
        RepoFile weights = file(info, "model.safetensors");
        Cancellation cancel = new Cancellation();
        ModelportException e = assertThrows(ModelportException.class, () -> client.download(info, List.of(weights),
                (f, done, total) -> {
                    if (done > 300_000) {
                        cancel.cancel();
                    }
                }, cancel));
        assertEquals(ErrorCode.CANCELLED, e.code());
        Path part = repoCache().resolve("blobs").resolve(weights.sha256() + ".incomplete");
        long kept = Files.size(part);
        assertTrue(kept > 300_000 && kept < weights.size(), "partial blob kept: " + kept);
        assertFalse(Files.exists(repoCache().resolve("snapshots").resolve(info.commit()).resolve("model.safetensors")));

        hub.clearFaults();
        Path snap = client.download(info, List.of(weights), (f, d, t) -> { }, new Cancellation());
        assertArrayEquals(source("model.safetensors"), Files.readAllBytes(snap.resolve("model.safetensors")));
        assertTrue(hub.bytesServed(REPO, "model.safetensors") < 2L * weights.size(), "the second call resumed");
    }

    @Test
    void callTimeLimitGivesDownloadTimeoutAndKeepsThePartialBlob() throws Exception {
        hub.throttle(200_000);
        client = new HubClient(TestRepos.timing(TestRepos.settings(hub, cache), Duration.ofSeconds(1), Duration.ofSeconds(5), 3));
        ModelInfo info = client.modelInfo(REPO, "main");
        RepoFile weights = file(info, "model.safetensors");
        ModelportException e = assertThrows(ModelportException.class,
                () -> client.download(info, List.of(weights), (f, d, t) -> { }, new Cancellation()));
        assertEquals(ErrorCode.DOWNLOAD_TIMEOUT, e.code());
        assertTrue(Files.size(repoCache().resolve("blobs").resolve(weights.sha256() + ".incomplete")) > 0);
    }

    @Test
    void downloadCalledFromTheBusyCommonPoolStillCompletes() throws Exception {
        // the JDK client's sendAsync completes through the common pool; a caller occupying all of it must not hang
        ModelInfo info = client.modelInfo(REPO, "main");
        List<RepoFile> files = client.selectFiles(info).selected();
        int workers = ForkJoinPool.getCommonPoolParallelism();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch occupied = new CountDownLatch(workers - 1);
        for (int i = 0; i < workers - 1; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                occupied.countDown();
                awaitQuietly(release);
            });
        }
        try {
            occupied.await();
            CompletableFuture<Path> download = CompletableFuture.supplyAsync(
                    () -> client.download(info, files, (f, d, t) -> { }, new Cancellation()));
            Path snap = download.get(60, TimeUnit.SECONDS);
            assertArrayEquals(source("model.safetensors"), Files.readAllBytes(snap.resolve("model.safetensors")));
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void offlineModeServesFromTheCacheAlone() throws Exception {
        ModelInfo online = client.modelInfo(REPO, "main");
        List<RepoFile> files = client.selectFiles(online).selected();
        Path snap = client.download(online, files, (f, d, t) -> { }, new Cancellation());
        hub.close();

        HubClient offline = new HubClient(TestRepos.offline(TestRepos.settings(hub, cache)));
        ModelInfo info = offline.modelInfo(REPO, "main");
        assertEquals(online.commit(), info.commit());
        assertEquals(files.stream().map(RepoFile::path).sorted().toList(), info.files().stream().map(RepoFile::path).sorted().toList());
        RepoFile cached = file(info, "model.safetensors");
        assertEquals(file(online, "model.safetensors").size(), cached.size());
        assertEquals(file(online, "model.safetensors").sha256(), cached.sha256());
        assertEquals(file(online, "config.json").blobId(), file(info, "config.json").blobId());
        assertEquals(snap, offline.download(info, offline.selectFiles(info).selected(), (f, d, t) -> { }, new Cancellation()));
        assertEquals(snap.resolve("config.json"), offline.fetchFile(info, "config.json"));
        assertEquals(online.commit(), offline.modelInfo(REPO, online.commit()).commit());

        assertEquals(ErrorCode.NOT_IN_CACHE, assertThrows(ModelportException.class, () -> offline.modelInfo(REPO, "v2")).code());
        assertEquals(ErrorCode.NOT_IN_CACHE,
                assertThrows(ModelportException.class, () -> offline.modelInfo("test-org/other", "main")).code());
    }

    static RepoFile file(ModelInfo info, String path) {
        return info.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }
}
