package dev.modelport.hub;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receives one HTTP response of a blob download: checks its status line and range before any byte is
 * written, then appends the body to the {@code .incomplete} file and the running hash as buffers arrive
 * (push-based, so a stalled or cancelled transfer can be dropped from outside at any moment).
 */
final class BlobSink implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    /** Progress is told at this granularity (and at the end), not per network buffer. */
    private static final long REPORT_EVERY = 256 * 1024;
    private static final long REPORT_INTERVAL_NANOS = 100_000_000L;

    /** The body failed on our side (the disk), not the network's: not worth a retry. */
    static final class LocalWriteFailure extends RuntimeException {
        LocalWriteFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }

        IOException io() {
            return (IOException) getCause();
        }
    }

    /** The transfer was dropped on purpose (cancel, time limit, stall). */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private final FileChannel channel;
    private final BlobHasher hasher;
    private final long expectedSize;
    private final LongConsumer present;
    private final LongConsumer received;
    private final DownloadControl control;
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    private long position;
    private long reported;
    private long reportedAt = System.nanoTime();
    private volatile long lastActivityNanos = System.nanoTime();
    private boolean writing;
    private boolean stopped;
    private Flow.Subscription subscription;
    private volatile int status;
    private volatile HttpHeaders headers;
    private volatile String sizeProblem;
    private volatile boolean rangeIgnored;

    /** @param received told of every body byte written, for the count of bytes fetched from the Hub */
    BlobSink(FileChannel channel, long offset, BlobHasher hasher, long expectedSize, LongConsumer present,
             LongConsumer received, DownloadControl control) {
        this.received = received;
        this.channel = channel;
        this.position = offset;
        this.hasher = hasher;
        this.expectedSize = expectedSize;
        this.present = present;
        this.control = control;
    }

    int status() {
        return status;
    }

    HttpHeaders headers() {
        return headers;
    }

    long position() {
        return position;
    }

    /** Why the response's sizes disagree with the listing, or null. */
    String sizeProblem() {
        return sizeProblem;
    }

    long idleNanos() {
        return System.nanoTime() - lastActivityNanos;
    }

    // ---- BodyHandler: decide from the status line and headers ------------------------------

    @Override
    public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
        lastActivityNanos = System.nanoTime();
        status = info.statusCode();
        headers = info.headers();
        if (status != 200 && status != 206) {
            return HttpResponse.BodySubscribers.discarding();
        }
        OptionalLong linked = headers.firstValueAsLong("X-Linked-Size");
        if (linked.isPresent() && linked.getAsLong() != expectedSize) {
            return reject("the Hub says " + linked.getAsLong() + " bytes where its listing says " + expectedSize);
        }
        if (status == 206) {
            Matcher m = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
            if (!m.matches() || Long.parseLong(m.group(1)) != position) {
                rangeIgnored = true;
                return reject(null);
            }
            if (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != expectedSize) {
                return reject("the server sends " + m.group(3) + " bytes where the Hub's listing says " + expectedSize);
            }
        } else {
            OptionalLong length = headers.firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() != expectedSize) {
                return reject("the server sends " + length.getAsLong() + " bytes where the Hub's listing says " + expectedSize);
            }
            if (position > 0) {
                // the server ignored our Range: start over from byte 0
                try {
                    channel.truncate(0);
                } catch (IOException e) {
                    throw new LocalWriteFailure(e);
                }
                position = 0;
                reported = 0;
                hasher.reset();
            }
        }
        writing = true;
        return this;
    }

    /** Whether a 206 answered a different range than the one asked for. */
    boolean rangeIgnored() {
        return rangeIgnored;
    }

    private HttpResponse.BodySubscriber<Void> reject(String problem) {
        sizeProblem = problem;
        return this;
    }

    // ---- BodySubscriber: write what arrives ------------------------------------------------

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (!writing || stopped) {
            s.cancel();
            result.complete(null);
            return;
        }
        // unbounded demand: onNext itself is the backpressure (it blocks on the disk and the hash backlog),
        // and the client need not re-arm its socket read after every buffer
        s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
        if (stopped) {
            return;
        }
        lastActivityNanos = System.nanoTime();
        if (control.stopped()) {
            stop(new Stopped());
            return;
        }
        try {
            long n = 0;
            for (ByteBuffer b : items) {
                n += b.remaining();
            }
            if (position + n > expectedSize) {
                sizeProblem = "the server sent more than the " + expectedSize + " bytes the Hub's listing says";
                stop(new Stopped());
                return;
            }
            ByteBuffer[] arr = new ByteBuffer[items.size()];
            List<ByteBuffer> forHash = new java.util.ArrayList<>(items.size());
            for (int i = 0; i < arr.length; i++) {
                arr[i] = items.get(i);
                forHash.add(arr[i].duplicate());
            }
            channel.position(position);
            long left = n;
            while (left > 0) {
                left -= channel.write(arr);
            }
            hasher.update(forHash, n);
            position += n;
            received.accept(n);
        } catch (IOException e) {
            stop(new LocalWriteFailure(e));
            return;
        }
        long now = System.nanoTime();
        // Bytes or time, whichever comes first: a slow link must still show progress twice a second.
        if (position - reported >= REPORT_EVERY || now - reportedAt >= REPORT_INTERVAL_NANOS) {
            reported = position;
            reportedAt = now;
            present.accept(position);
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (!stopped) {
            stopped = true;
            result.completeExceptionally(t);
        }
        present.accept(position);
    }

    @Override
    public synchronized void onComplete() {
        if (!stopped) {
            stopped = true;
            result.complete(null);
        }
        present.accept(position);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return result;
    }

    /** Drops the transfer from outside; after this returns no further byte is written. */
    synchronized void abort() {
        if (!stopped) {
            stop(new Stopped());
        }
    }

    private void stop(RuntimeException why) {
        stopped = true;
        if (subscription != null) {
            subscription.cancel();
        }
        result.completeExceptionally(why);
        present.accept(position);
    }
}
