package dev.modelport.hub;

import dev.modelport.config.ModelportException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * A blob being fetched by one caller in this JVM; other callers needing it wait here and are told
 * its bytes as they land, instead of fetching it a second time.
 */
final class InFlightBlob {
    /** The owner's download failed; the waiter decides whether to take over. */
    static final class OwnerFailed extends RuntimeException {
        OwnerFailed(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<LongConsumer> observers = new CopyOnWriteArrayList<>();
    private volatile long present;

    void present(long bytes) {
        present = bytes;
        for (LongConsumer o : observers) {
            o.accept(bytes);
        }
    }

    void observe(LongConsumer observer) {
        observers.add(observer);
        observer.accept(present);
    }

    void unobserve(LongConsumer observer) {
        observers.remove(observer);
    }

    void succeed() {
        done.complete(null);
    }

    void fail(RuntimeException e) {
        done.completeExceptionally(e);
    }

    /** Waits for the owner while honouring the waiter's own cancel and time limit. */
    void await(DownloadControl control) {
        while (true) {
            control.check();
            try {
                done.get(100, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException stillRunning) {
                // poll the control again
            } catch (ExecutionException e) {
                throw new OwnerFailed(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelportException(dev.modelport.config.ErrorCode.CANCELLED, "Download interrupted.");
            }
        }
    }
}
