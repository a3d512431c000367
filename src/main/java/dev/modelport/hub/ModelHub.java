package dev.modelport.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Hub as the lifecycle sees it. Every method throws {@link dev.modelport.config.ModelportException}
 * with a hub error code (MODEL_NOT_FOUND, REVISION_NOT_FOUND, GATED_MODEL, FILE_NOT_FOUND,
 * NOT_IN_CACHE, HUB_UNAVAILABLE, DOWNLOAD_FAILED, DOWNLOAD_TIMEOUT, CHECKSUM_MISMATCH, DISK_FULL,
 * CANCELLED) on failure.
 */
public interface ModelHub {

    /** Repo facts at a revision (branch, tag or commit); from the cache alone when offline. */
    ModelInfo modelInfo(String repoId, String revision);

    /** Which files a deployment of this repo fetches, per DESIGN.md's file selection. */
    FileSelection selectFiles(ModelInfo info);

    /** Fetches one (small) file into the cache and returns its path under the snapshot. */
    Path fetchFile(ModelInfo info, String path);

    /**
     * Fetches the files into the cache (resuming partial blobs, verifying LFS sha256, one download per
     * blob across concurrent callers), links them into {@code snapshots/<commit>/} and records
     * {@code refs/<revision>}. Returns the snapshot folder.
     */
    Path download(ModelInfo info, List<RepoFile> files, DownloadListener listener, Cancellation cancellation);

    /**
     * File bytes received from the Hub since this client was made: what crossed the wire, not what was
     * found in the cache or fetched by another process sharing it.
     */
    long bytesFetched();

    /**
     * The Hub's model listing for a search ({@code GET /api/models}); offline, the cached models whose id
     * contains the search words (their config.json and files read from the cache).
     */
    List<HubModelSummary> search(HubSearchQuery query);

    /** The snapshot folder of a commit if every one of the paths is present in it. */
    Optional<Path> cachedSnapshot(String repoId, String commit, List<String> paths);
}
