package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.LongConsumer;

/**
 * One download call: its files fetched {@code parallelism} at a time, each blob fetched once however
 * many callers need it (a JVM-wide map of blobs in flight, plus a file lock against other processes),
 * progress summed over all files, the first failure stopping the rest, then the snapshot linked and the
 * revision's ref recorded.
 */
final class DownloadCoordinator {
    private static final ConcurrentHashMap<Path, InFlightBlob> IN_FLIGHT = new ConcurrentHashMap<>();
    private static final Duration LOCK_POLL = Duration.ofMillis(200);

    private final HubCache cache;
    private final BlobDownloader downloader;
    private final HubSettings settings;

    DownloadCoordinator(HubCache cache, BlobDownloader downloader, HubSettings settings) {
        this.cache = cache;
        this.downloader = downloader;
        this.settings = settings;
    }

    Path download(ModelInfo info, List<RepoFile> files, DownloadListener listener, Cancellation cancellation) {
        List<BlobDownloader.Job> jobs = files.stream().map(f -> job(info, f)).toList();
        DownloadControl control = new DownloadControl(cancellation, settings.downloadTimeout());
        ProgressTally tally = new ProgressTally(files, listener);
        Semaphore permits = new Semaphore(Math.max(1, settings.parallelism()));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (BlobDownloader.Job job : jobs) {
                pool.submit(() -> {
                    try {
                        permits.acquire();
                    } catch (InterruptedException e) {
                        control.abort(new ModelportException(ErrorCode.CANCELLED, "Download interrupted."));
                        return;
                    }
                    try {
                        control.check();
                        ensureBlob(job, control, tally);
                        cache.link(job.repoId(), job.commit(), job.file().path(), job.blob().getFileName().toString());
                    } catch (DownloadControl.Aborted a) {
                        // a sibling failed first; its failure is the one reported
                    } catch (ModelportException e) {
                        control.abort(e);
                    } catch (RuntimeException e) {
                        control.abort(new ModelportException(ErrorCode.DOWNLOAD_FAILED,
                                "Downloading '" + job.file().path() + "' failed unexpectedly: " + HubErrors.describe(e), e));
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        if (control.failure() != null) {
            throw control.failure();
        }
        cache.writeRef(info.repoId(), info.revision(), info.commit());
        return cache.snapshotDir(info.repoId(), info.commit());
    }

    private BlobDownloader.Job job(ModelInfo info, RepoFile f) {
        HubCache.checkRepoPath(f.path());
        String etag = f.isLfs() ? f.sha256() : f.blobId();
        if (etag == null || f.size() < 0) {
            throw new ModelportException(ErrorCode.DOWNLOAD_FAILED,
                    "The Hub's listing of '" + info.repoId() + "' lacks the size or id of '" + f.path() + "'.");
        }
        return new BlobDownloader.Job(info.repoId(), info.commit(), f, cache.blob(info.repoId(), etag));
    }

    /** Makes the job's blob complete: already there, fetched by us, or fetched by another caller we wait for. */
    private void ensureBlob(BlobDownloader.Job job, DownloadControl control, ProgressTally tally) {
        String path = job.file().path();
        LongConsumer observer = bytes -> tally.present(path, bytes);
        while (true) {
            if (isComplete(job)) {
                tally.present(path, job.file().size());
                return;
            }
            InFlightBlob mine = new InFlightBlob();
            InFlightBlob owner = IN_FLIGHT.putIfAbsent(job.blob(), mine);
            if (owner == null) {
                mine.observe(observer);
                try {
                    fetchUnderLock(job, control, mine);
                    mine.succeed();
                } catch (RuntimeException e) {
                    mine.fail(e);
                    throw e;
                } finally {
                    IN_FLIGHT.remove(job.blob(), mine);
                }
                continue;
            }
            owner.observe(observer);
            try {
                owner.await(control);
            } catch (InFlightBlob.OwnerFailed f) {
                // the owner's cancel, time limit or aborted call is not ours: take the blob over and resume it
                if (f.getCause() instanceof ModelportException m && m.code() != ErrorCode.CANCELLED
                        && m.code() != ErrorCode.DOWNLOAD_TIMEOUT) {
                    throw new ModelportException(m.code(), m.getMessage());
                }
            } finally {
                owner.unobserve(observer);
            }
        }
    }

    /** Holds the blob's lock file while fetching, so another process sharing the cache waits instead of colliding. */
    private void fetchUnderLock(BlobDownloader.Job job, DownloadControl control, InFlightBlob progress) {
        Path lockPath = cache.lockFile(job.repoId(), job.blob().getFileName().toString());
        try {
            Files.createDirectories(lockPath.getParent());
            try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock;
                while ((lock = ch.tryLock()) == null) {
                    control.sleep(LOCK_POLL);
                }
                try {
                    if (!isComplete(job)) {
                        downloader.fetch(job, control, progress::present);
                    }
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw HubCache.ioFailure("lock '" + job.file().path() + "' in the cache", e);
        }
    }

    private static boolean isComplete(BlobDownloader.Job job) {
        try {
            return Files.isRegularFile(job.blob()) && Files.size(job.blob()) == job.file().size();
        } catch (IOException e) {
            return false;
        }
    }
}
