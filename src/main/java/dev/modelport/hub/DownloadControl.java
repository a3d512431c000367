package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.time.Duration;

/**
 * What may stop one download call: the user's cancel, the call's time limit, or a failure of a sibling
 * file (which aborts the others). Work polls it between chunks and while waiting.
 */
final class DownloadControl {
    private final Cancellation cancellation;
    private final long deadlineNanos;
    private final Duration limit;
    private volatile ModelportException abort;

    DownloadControl(Cancellation cancellation, Duration limit) {
        this.cancellation = cancellation;
        this.limit = limit;
        this.deadlineNanos = System.nanoTime() + limit.toNanos();
    }

    /** Stops the call's other work after a failure; the first failure is the one reported. */
    synchronized void abort(ModelportException cause) {
        if (abort == null) {
            abort = cause;
        }
    }

    /** The failure that aborted the call, or null. */
    ModelportException failure() {
        return abort;
    }

    boolean stopped() {
        return cancellation.isCancelled() || abort != null || System.nanoTime() - deadlineNanos > 0;
    }

    void check() {
        if (cancellation.isCancelled()) {
            throw new ModelportException(ErrorCode.CANCELLED, "Download cancelled; partial files are kept for a later resume.");
        }
        if (abort != null) {
            throw new Aborted();
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new ModelportException(ErrorCode.DOWNLOAD_TIMEOUT, "The download did not finish within " + human(limit)
                    + " (MAX_DOWNLOAD_TIMEOUT); partial files are kept and the next attempt resumes them.");
        }
    }

    /** Sleeps up to {@code d}, waking to stop as soon as {@link #check} would throw. */
    void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (true) {
            check();
            long left = until - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(left, 50_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelportException(ErrorCode.CANCELLED, "Download interrupted.");
            }
        }
    }

    private static String human(Duration d) {
        return d.toSeconds() >= 60 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** Thrown in a file's work when a sibling file failed; never reaches the caller. */
    static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted after another file failed", null, false, false);
        }
    }
}
