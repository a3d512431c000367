package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Fetches one file into {@code blobs/<etag>}: streams into {@code <etag>.incomplete}, resumes it with
 * {@code Range} after a broken or stalled connection and after a restart, retries with backoff (429
 * after Retry-After), verifies the sha256 of LFS files and only then renames it to its final name.
 * A checksum or size mismatch removes the partial file; cancel, time limit and exhausted retries keep it.
 */
final class BlobDownloader {
    private static final int MAX_REDIRECTS = 5;

    /** One file of one commit and the blob it goes to. */
    record Job(String repoId, String commit, RepoFile file, Path blob) {
    }

    /** A failed attempt that may be tried again, resuming. */
    private static final class Retry extends Exception {
        private final HttpHeaders headers;

        Retry(String reason, HttpHeaders headers) {
            super(reason, null, false, false);
            this.headers = headers;
        }
    }

    private final HttpClient http;
    private final HubSettings settings;
    private final URI endpoint;

    /** Body bytes received from the Hub by this downloader, over all blobs and attempts. */
    private final java.util.concurrent.atomic.LongAdder received = new java.util.concurrent.atomic.LongAdder();

    BlobDownloader(HttpClient http, HubSettings settings, String endpoint) {
        this.http = http;
        this.settings = settings;
        this.endpoint = URI.create(endpoint);
    }

    /**
     * Makes the blob complete and verified.
     *
     * @param present told the bytes of this blob on disk, as they land
     */
    long bytesReceived() {
        return received.sum();
    }

    void fetch(Job job, DownloadControl control, LongConsumer present) {
        Path part = HubCache.incomplete(job.blob());
        long size = job.file().size();
        boolean keepPart = true;
        try (BlobHasher hasher = BlobHasher.forFile(job.file())) {
            Files.createDirectories(part.getParent());
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                long offset = ch.size();
                if (offset > size) {
                    ch.truncate(0);
                    offset = 0;
                }
                present.accept(offset);
                int failures = 0;
                while (offset < size) {
                    control.check();
                    hasher.catchUp(ch, offset);
                    long before = offset;
                    try {
                        offset = attempt(job, ch, offset, hasher, control, present);
                        if (offset < size) {
                            throw new Retry("the connection ended early", null);
                        }
                    } catch (Retry r) {
                        offset = ch.size(); // what landed before the failure stays and is resumed
                        failures = offset > before ? 1 : failures + 1;
                        if (failures > settings.retries()) {
                            throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Could not download '" + job.file().path()
                                    + "' of '" + job.repoId() + "': " + r.getMessage() + " (" + failures
                                    + " attempts); the partial file is kept and a new deployment resumes it.");
                        }
                        control.sleep(r.headers == null ? Backoff.delay(failures) : Backoff.delay(failures, r.headers));
                    }
                }
                if (hasher.verifies()) {
                    hasher.catchUp(ch, offset);
                    String actual = hasher.hex();
                    if (!actual.equals(job.file().sha256())) {
                        keepPart = false;
                        throw new ModelportException(ErrorCode.CHECKSUM_MISMATCH, "The sha256 of '" + job.file().path() + "' of '"
                                + job.repoId() + "' is " + actual + " but the Hub lists " + job.file().sha256()
                                + "; the download was discarded. Deploy again to fetch it anew.");
                    }
                }
            }
            Files.move(part, job.blob(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (BlobSink.LocalWriteFailure e) {
            keepPart = false;
            throw localFailure(job, e.io());
        } catch (IOException e) {
            keepPart = false;
            throw localFailure(job, e);
        } catch (SizeMismatch e) {
            keepPart = false;
            throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "The size of '" + job.file().path() + "' of '"
                    + job.repoId() + "' does not match: " + e.getMessage() + "; nothing was kept.");
        } finally {
            if (!keepPart) {
                deleteQuietly(part);
            }
        }
    }

    private static ModelportException localFailure(Job job, IOException e) {
        if (HubErrors.isDiskFull(e)) {
            return HubErrors.diskFull(e);
        }
        return new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Could not write '" + job.file().path()
                + "' into the model cache: " + HubErrors.describe(e), e);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover partial file is resumed or replaced by the next download
        }
    }

    /** The listing's size disagrees with what the Hub serves: not worth a retry. */
    private static final class SizeMismatch extends RuntimeException {
        SizeMismatch(String message) {
            super(message, null, false, false);
        }
    }

    /** One request from {@code offset}, following redirects; returns the new end of the partial file. */
    private long attempt(Job job, FileChannel ch, long offset, BlobHasher hasher, DownloadControl control,
                         LongConsumer present) throws Retry, IOException {
        long size = job.file().size();
        URI uri = endpoint.resolve(endpoint.getRawPath().replaceAll("/+$", "") + "/" + HubApi.repoPath(job.repoId())
                + "/resolve/" + job.commit() + "/" + HubApi.encodePath(job.file().path()));
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            BlobSink sink = new BlobSink(ch, offset, hasher, size, present, received::add, control);
            exchange(request(uri, offset), sink, control);
            int status = sink.status();
            HttpHeaders h = sink.headers();
            if (sink.sizeProblem() != null) {
                throw new SizeMismatch(sink.sizeProblem());
            }
            if (status >= 300 && status < 400 && h.firstValue("Location").isPresent()) {
                // the hop to the CDN carries the authoritative size of an LFS file
                OptionalLong linked = h.firstValueAsLong("X-Linked-Size");
                if (linked.isPresent() && linked.getAsLong() != size) {
                    throw new SizeMismatch("the Hub says " + linked.getAsLong() + " bytes where its listing says " + size);
                }
                uri = uri.resolve(h.firstValue("Location").get());
                continue;
            }
            if (status == 200 || status == 206) {
                if (sink.rangeIgnored()) {
                    throw new Retry("the server answered a different byte range", h);
                }
                return sink.position();
            }
            if (status == 416) {
                // the server has fewer bytes than our partial file: start that file over
                ch.truncate(0);
                hasher.reset();
                throw new Retry("the server refused to resume", h);
            }
            if (Backoff.retryable(status)) {
                throw new Retry("the server answered HTTP " + status, h);
            }
            throw HubErrors.fromResponse(status, h, settings.endpoint().replaceAll("/+$", ""), job.repoId(), job.commit(),
                    job.file().path(), hasToken());
        }
        throw new ModelportException(ErrorCode.DOWNLOAD_FAILED, "Too many redirects fetching '" + job.file().path() + "'.");
    }

    private HttpRequest request(URI uri, long offset) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        // the token goes to the Hub itself only, never to the storage host a download is redirected to
        if (hasToken() && sameOrigin(uri)) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        return b.build();
    }

    private boolean sameOrigin(URI uri) {
        return Objects.equals(uri.getScheme(), endpoint.getScheme()) && Objects.equals(uri.getHost(), endpoint.getHost())
                && uri.getPort() == endpoint.getPort();
    }

    private boolean hasToken() {
        return settings.token() != null && !settings.token().isBlank();
    }

    /**
     * Runs one exchange to its end, dropping it on cancel, time limit or a stall. The blocking
     * {@code send} runs on its own virtual thread: {@code sendAsync} completes through the common
     * fork-join pool, which a caller blocked on one of that pool's threads (1 on 2 cores) would starve.
     */
    private void exchange(HttpRequest req, BlobSink sink, DownloadControl control) throws Retry {
        long stallNanos = settings.stallTimeout().toNanos();
        long pollMillis = Math.clamp(settings.stallTimeout().toMillis() / 4, 20, 250);
        CompletableFuture<Void> f = new CompletableFuture<>();
        Thread sender = Thread.ofVirtual().name("hub-download").start(() -> {
            try {
                http.send(req, sink);
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        while (true) {
            try {
                f.get(pollMillis, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException waiting) {
                if (control.stopped()) {
                    drop(sender, sink);
                    control.check();
                }
                if (sink.idleNanos() > stallNanos) {
                    drop(sender, sink);
                    throw new Retry("no data arrived for " + Duration.ofNanos(stallNanos).toMillis() / 1000.0 + " s", null);
                }
            } catch (ExecutionException e) {
                BlobSink.LocalWriteFailure local = causeOf(e, BlobSink.LocalWriteFailure.class);
                if (local != null) {
                    throw local;
                }
                if (causeOf(e, BlobSink.Stopped.class) != null) {
                    if (sink.sizeProblem() != null) {
                        return;
                    }
                    control.check();
                    throw new Retry("the transfer was stopped", null);
                }
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new Retry(HubErrors.describe(cause) + " (" + req.uri().getHost() + ")", null);
            } catch (InterruptedException e) {
                drop(sender, sink);
                Thread.currentThread().interrupt();
                throw new ModelportException(ErrorCode.CANCELLED, "Download interrupted.");
            }
        }
    }

    private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Stops a transfer: no further byte is written, and the blocked send is interrupted, which aborts its exchange. */
    private static void drop(Thread sender, BlobSink sink) {
        sink.abort();
        sender.interrupt();
    }
}
