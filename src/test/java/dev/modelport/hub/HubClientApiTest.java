package dev.modelport.hub;

import static dev.modelport.hub.HubClientDownloadTest.file;
import static dev.modelport.hub.TestRepos.REPO;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model info from the Hub API and the error codes a user sees for unknown, gated or unreachable models. */
class HubClientApiTest {
    @TempDir
    Path root;
    @TempDir
    Path cache;
    FakeHub hub;
    HubClient client;

    @BeforeEach
    void setUp() {
        TestRepos.bertRepo(root, REPO, 100_000);
        hub = FakeHub.start(root).lfsThreshold(TestRepos.LFS_THRESHOLD);
        client = new HubClient(TestRepos.settings(hub, cache));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private ErrorCode code(Runnable r) {
        return assertThrows(ModelportException.class, r::run).code();
    }

    @Test
    void modelInfoCarriesCommitFilesAndHubFacts() throws Exception {
        ModelInfo info = client.modelInfo(REPO, "main");
        assertEquals(hub.commit(REPO), info.commit());
        assertEquals("main", info.revision());
        assertEquals("feature-extraction", info.pipelineTag());
        assertEquals("sentence-transformers", info.libraryName());
        assertEquals(List.of("bert", "sentence-transformers"), info.tags());
        assertFalse(info.gated());
        RepoFile w = file(info, "model.safetensors");
        assertEquals(Files.size(root.resolve(REPO).resolve("model.safetensors")), w.size());
        assertEquals(hub.sha256(REPO, "model.safetensors"), w.sha256());
        RepoFile cfg = file(info, "config.json");
        assertFalse(cfg.isLfs());
        assertEquals(40, cfg.blobId().length());
        assertEquals(9 - 1, info.files().size(), "every repo file but the stand-in's own .hubmeta.json");
    }

    @Test
    void sizesMissingFromModelInfoComeFromTheTreeListing() {
        ModelInfo full = client.modelInfo(REPO, "main");
        hub.hideBlobsInModelInfo(true);
        ModelInfo fromTree = client.modelInfo(REPO, "main");
        assertEquals(full.files(), fromTree.files());
        assertEquals(1, hub.requests("/api/models/" + REPO + "/tree/" + full.commit()));
    }

    @Test
    void unknownModelRevisionAndFileHaveTheirCodes() {
        assertEquals(ErrorCode.MODEL_NOT_FOUND, code(() -> client.modelInfo("test-org/nope", "main")));
        assertEquals(ErrorCode.REVISION_NOT_FOUND, code(() -> client.modelInfo(REPO, "no-such-branch")));
        ModelInfo info = client.modelInfo(REPO, "main");
        assertEquals(ErrorCode.FILE_NOT_FOUND, code(() -> client.fetchFile(info, "not-listed.json")));
        // listed by an (outdated) info but gone on the Hub: the Hub's EntryNotFound
        List<RepoFile> files = new java.util.ArrayList<>(info.files());
        files.add(new RepoFile("gone.json", 10, null, "1".repeat(40)));
        ModelInfo stale = new ModelInfo(REPO, "main", info.commit(), null, null, false, List.of(), files);
        assertEquals(ErrorCode.FILE_NOT_FOUND, code(() -> client.fetchFile(stale, "gone.json")));
    }

    @Test
    void gatedModelNeedsTheTokenAndMessagesNeverShowIt() throws Exception {
        hub.gate(REPO);
        ModelportException e = assertThrows(ModelportException.class, () -> client.modelInfo(REPO, "main"));
        assertEquals(ErrorCode.GATED_MODEL, e.code());
        assertTrue(e.getMessage().contains("HF_TOKEN") && e.getMessage().contains("accept"), e.getMessage());

        String wrong = "hf_wrongtoken123";
        HubClient wrongToken = new HubClient(TestRepos.withToken(TestRepos.settings(hub, cache), wrong));
        ModelportException denied = assertThrows(ModelportException.class, () -> wrongToken.modelInfo(REPO, "main"));
        assertEquals(ErrorCode.GATED_MODEL, denied.code());
        assertFalse(denied.getMessage().contains(wrong));

        HubClient withToken = new HubClient(TestRepos.withToken(TestRepos.settings(hub, cache), FakeHub.TOKEN));
        ModelInfo info = withToken.modelInfo(REPO, "main");
        assertTrue(info.gated());
        Path snap = withToken.download(info, withToken.selectFiles(info).selected(), (f, d, t) -> { }, new Cancellation());
        assertTrue(Files.isRegularFile(snap.resolve("model.safetensors")));
    }

    @Test
    void unreachableHubIsHubUnavailable() {
        HubSettings s = TestRepos.settings(hub, cache);
        hub.close();
        HubClient down = new HubClient(TestRepos.timing(s, Duration.ofSeconds(30), Duration.ofSeconds(2), 1));
        ModelportException e = assertThrows(ModelportException.class, () -> down.modelInfo(REPO, "main"));
        assertEquals(ErrorCode.HUB_UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }

    @Test
    void unreachableHubFallsBackToACachedRevisionAtOnce() {
        ModelInfo online = client.modelInfo(REPO, "main");
        Path snap = client.download(online, client.selectFiles(online).selected(), (f, d, t) -> { }, new Cancellation());
        HubSettings s = TestRepos.settings(hub, cache);
        hub.close();
        // five retries would take 15 s of backoff; a revision the cache holds is asked for once
        HubClient down = new HubClient(TestRepos.timing(s, Duration.ofSeconds(30), Duration.ofSeconds(2), 5));
        long start = System.nanoTime();
        ModelInfo cached = down.modelInfo(REPO, "main");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "no retries before the cache answers");
        assertEquals(online.commit(), cached.commit());
        assertEquals(client.selectFiles(online).selected().stream().map(RepoFile::path).toList(),
                down.selectFiles(cached).selected().stream().map(RepoFile::path).toList(), "the same files are selected");
        assertEquals(snap, down.download(cached, down.selectFiles(cached).selected(), (f, d, t) -> { }, new Cancellation()));
        // a revision the cache never saw still fails with the Hub's unavailability
        HubClient quick = new HubClient(TestRepos.timing(s, Duration.ofSeconds(30), Duration.ofSeconds(2), 1));
        assertEquals(ErrorCode.HUB_UNAVAILABLE, code(() -> quick.modelInfo(REPO, "v2")));
        // nor does a cached snapshot that lost a blob: its file list would be short
        try {
            Path weights = snap.resolve("model.safetensors");
            Files.delete(weights.resolveSibling(Files.readSymbolicLink(weights)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(ErrorCode.HUB_UNAVAILABLE, code(() -> quick.modelInfo(REPO, "main")));
    }

    @Test
    void definiteHubAnswersAreNotOverriddenByTheCache() {
        ModelInfo online = client.modelInfo(REPO, "main");
        client.download(online, client.selectFiles(online).selected(), (f, d, t) -> { }, new Cancellation());
        hub.gate(REPO);
        assertEquals(ErrorCode.GATED_MODEL, code(() -> client.modelInfo(REPO, "main")), "a gate is never bypassed");
    }

    @Test
    void unsafeIdsAndPathsAreRefused() {
        assertEquals(ErrorCode.INVALID_MODEL_ID, code(() -> client.modelInfo("../etc", "main")));
        ModelInfo info = client.modelInfo(REPO, "main");
        ModelInfo evil = new ModelInfo(REPO, "main", info.commit(), null, null, false, List.of(),
                List.of(new RepoFile("../../escape.json", 10, null, "1".repeat(40))));
        assertEquals(ErrorCode.DOWNLOAD_FAILED, code(() -> client.download(evil, evil.files(), (f, d, t) -> { }, new Cancellation())));
        assertFalse(Files.exists(cache.resolve("escape.json")));
    }
}
