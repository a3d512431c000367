package dev.modelport.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The {@link ModelHub} of the real Hub protocol at {@code HF_ENDPOINT}, with the {@code huggingface_hub}
 * cache layout under {@code HF_HUB_CACHE}; with {@code HF_HUB_OFFLINE} it answers from that cache alone.
 */
public final class HubClient implements ModelHub {
    private static final Logger LOG = Logger.getLogger(HubClient.class);
    private static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    static {
        // The JDK client reads bodies in 16 KiB buffers unless told otherwise, which halves the throughput
        // of large downloads (measured against curl); it reads this once, when its first client is built.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 * 1024));
        }
    }

    private static final ObjectMapper CACHE_JSON = new ObjectMapper();

    private final HubSettings settings;
    private final HubCache cache;
    private final HubApi api;
    private final FileSelector selector = new FileSelector();
    private final DownloadCoordinator coordinator;
    private final BlobDownloader downloader;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        String endpoint = settings.endpoint() == null || settings.endpoint().isBlank()
                ? DEFAULT_ENDPOINT : settings.endpoint().replaceAll("/+$", "");
        // redirects are followed by hand: the first hop's X-Linked-* headers matter and the token must not follow to the CDN
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.cache = new HubCache(settings.cacheDir());
        this.api = new HubApi(http, settings, endpoint);
        this.downloader = new BlobDownloader(http, settings, endpoint);
        this.coordinator = new DownloadCoordinator(cache, downloader, settings);
    }

    /**
     * Online, the Hub answers; when it cannot be reached (connection errors, 5xx or 429) and the revision is
     * already in the cache, the cache answers instead, as {@code huggingface_hub} falls back to it: the Hub is
     * then asked once, without retries, so a replica restarting during a Hub outage comes up from the cache
     * at once. Not-found, gated and other definite answers of the Hub are never overridden by the cache, and
     * a cached snapshot with a file missing does not stand in for the Hub.
     */
    @Override
    public ModelInfo modelInfo(String repoId, String revision) {
        cache.repoDir(repoId);
        if (!settings.offline()) {
            // a snapshot that lost a blob cannot stand in for the Hub: its file list would be short
            Optional<String> cached = cache.resolveCommit(repoId, revision).filter(c -> cache.snapshotIntact(repoId, c));
            if (cached.isEmpty()) {
                return api.modelInfo(repoId, revision);
            }
            try {
                return api.modelInfo(repoId, revision, 0);
            } catch (ModelportException e) {
                if (e.code() != ErrorCode.HUB_UNAVAILABLE) {
                    throw e;
                }
                LOG.warnf("%s; resolving %s@%s from the cache (commit %s)", e.getMessage(), repoId, revision, cached.get());
                return fromCache(repoId, revision, cached.get());
            }
        }
        String commit = cache.resolveCommit(repoId, revision).orElseThrow(() -> notInCache(repoId, revision));
        return fromCache(repoId, revision, commit);
    }

    private ModelInfo fromCache(String repoId, String revision, String commit) {
        return new ModelInfo(repoId, revision, commit, null, null, false, List.of(), cache.listSnapshot(repoId, commit));
    }

    @Override
    public FileSelection selectFiles(ModelInfo info) {
        return selector.select(info.files());
    }

    @Override
    public Path fetchFile(ModelInfo info, String path) {
        RepoFile file = info.files().stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> HubErrors.fileNotFound(info.repoId(), info.revision(), path));
        Path target = cache.snapshotFile(info.repoId(), info.commit(), path);
        if (isCached(target, file.size())) {
            return target;
        }
        if (settings.offline()) {
            throw notInCache(info.repoId(), info.revision());
        }
        coordinator.download(info, List.of(file), (f, done, total) -> { }, new Cancellation());
        return target;
    }

    @Override
    public Path download(ModelInfo info, List<RepoFile> files, DownloadListener listener, Cancellation cancellation) {
        if (settings.offline()) {
            return cachedSnapshot(info.repoId(), info.commit(), files.stream().map(RepoFile::path).toList())
                    .orElseThrow(() -> notInCache(info.repoId(), info.revision()));
        }
        return coordinator.download(info, files, listener, cancellation);
    }

    @Override
    public long bytesFetched() {
        return downloader.bytesReceived();
    }

    @Override
    public Optional<Path> cachedSnapshot(String repoId, String commit, List<String> paths) {
        Path dir = cache.snapshotDir(repoId, commit);
        for (String p : paths) {
            if (!Files.isRegularFile(dir.resolve(HubCache.checkRepoPath(p)))) {
                return Optional.empty();
            }
        }
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    @Override
    public List<HubModelSummary> search(HubSearchQuery query) {
        if (!settings.offline()) {
            return api.search(query);
        }
        // offline: the models of the local cache whose id contains the words, with their files and config.json
        String words = query.search() == null ? "" : query.search().trim().toLowerCase(Locale.ROOT);
        List<HubModelSummary> out = new ArrayList<>();
        for (String repo : cache.cachedRepos()) {
            if (out.size() >= query.limit() || !repo.toLowerCase(Locale.ROOT).contains(words)) {
                continue;
            }
            Optional<String> commit = cache.resolveCommit(repo, "main");
            if (commit.isEmpty()) {
                continue;
            }
            List<RepoFile> files = cache.listSnapshot(repo, commit.get());
            JsonNode config = null;
            Path configFile = cache.snapshotDir(repo, commit.get()).resolve("config.json");
            try {
                if (Files.isRegularFile(configFile)) {
                    config = CACHE_JSON.readTree(configFile.toFile());
                }
            } catch (IOException e) {
                config = null; // listed without an architecture; the preflight says what is wrong
            }
            out.add(new HubModelSummary(repo, null, null, 0, 0, false, List.of(), config, null, files, true));
        }
        return out;
    }

    private static boolean isCached(Path file, long size) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }

    private static ModelportException notInCache(String repoId, String revision) {
        return new ModelportException(ErrorCode.NOT_IN_CACHE, "Model '" + repoId + "' at revision '" + revision
                + "' is not in the local cache and the Hub is switched off (HF_HUB_OFFLINE=1); deploy it once with the"
                + " Hub reachable, or unset HF_HUB_OFFLINE.");
    }
}
