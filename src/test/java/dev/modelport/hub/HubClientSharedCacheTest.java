package dev.modelport.hub;

import static dev.modelport.hub.HubClientDownloadTest.file;
import static dev.modelport.hub.TestRepos.REPO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.testing.hub.FakeHub;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache is shared with other processes (a Python tool, a second service) and lives on a disk that can fill up. */
class HubClientSharedCacheTest {
    @TempDir
    Path root;
    @TempDir
    Path cache;
    FakeHub hub;
    HubClient client;
    ModelInfo info;
    RepoFile weights;

    @BeforeEach
    void setUp() {
        TestRepos.bertRepo(root, REPO, 200_000);
        hub = FakeHub.start(root).lfsThreshold(TestRepos.LFS_THRESHOLD);
        client = new HubClient(TestRepos.settings(hub, cache));
        info = client.modelInfo(REPO, "main");
        weights = file(info, "model.safetensors");
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void bytesFetchedCountTheWireNotTheCache() {
        List<RepoFile> files = client.selectFiles(info).selected();
        long total = files.stream().mapToLong(RepoFile::size).sum();
        client.download(info, files, (f, d, t) -> { }, new Cancellation());
        assertEquals(total, client.bytesFetched(), "every selected file crossed the wire once");
        HubClient second = new HubClient(TestRepos.settings(hub, cache)); // another process on the same cache
        second.download(second.modelInfo(REPO, "main"), files, (f, d, t) -> { }, new Cancellation());
        assertEquals(0, second.bytesFetched(), "a cache hit is not a download");
        assertEquals(total, hub.totalBytesServed());
    }

    @Test
    void fullDiskFailsWithDiskFullAndLeavesNoPartialFile() throws Exception {
        Path devFull = Path.of("/dev/full"); // a device whose every write fails with ENOSPC, as a full disk does
        assumeTrue(Files.exists(devFull), "needs Linux /dev/full");
        Path part = cache.resolve("models--test-org--tiny-bert/blobs").resolve(weights.sha256() + ".incomplete");
        Files.createDirectories(part.getParent());
        Files.createSymbolicLink(part, devFull);

        ModelportException e = assertThrows(ModelportException.class,
                () -> client.download(info, List.of(weights), (f, d, t) -> { }, new Cancellation()));
        assertEquals(ErrorCode.DISK_FULL, e.code());
        assertFalse(Files.exists(part, LinkOption.NOFOLLOW_LINKS), "the partial file is removed");
        assertFalse(Files.exists(part.resolveSibling(weights.sha256())));
    }

    @Test
    void anotherProcessHoldingTheBlobLockMakesUsWaitInsteadOfCollide() throws Exception {
        Path lock = cache.resolve(".locks/models--test-org--tiny-bert").resolve(weights.sha256() + ".lock");
        Files.createDirectories(lock.getParent());
        // a POSIX record lock, the kind FileChannel.lock takes on Linux, held until we close the child's stdin
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl,sys; f=open(sys.argv[1],'a'); fcntl.lockf(f, fcntl.LOCK_EX);"
                + " print('locked', flush=True); sys.stdin.read()", lock.toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assumeTrue("locked".equals(out.readLine()), "needs python3");
            CompletableFuture<Path> download = CompletableFuture.supplyAsync(
                    () -> client.download(info, List.of(weights), (f, d, t) -> { }, new Cancellation()));
            Thread.sleep(1000);
            assertFalse(download.isDone(), "waits while the other process holds the blob");
            assertEquals(0, hub.bytesServed(REPO, "model.safetensors"));

            holder.getOutputStream().close();
            Path snap = download.get(30, TimeUnit.SECONDS);
            assertArrayEquals(Files.readAllBytes(root.resolve(REPO).resolve("model.safetensors")),
                    Files.readAllBytes(snap.resolve("model.safetensors")));
        } finally {
            holder.destroy();
        }
    }
}
