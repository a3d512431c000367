package dev.modelport.hub;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/** A cancel flag shared between the lifecycle and long-running work; work polls it between chunks. */
public final class Cancellation {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    public void throwIfCancelled() {
        if (cancelled) {
            throw new ModelportException(ErrorCode.CANCELLED, "cancelled");
        }
    }
}
