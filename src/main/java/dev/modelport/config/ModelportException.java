package dev.modelport.config;

/**
 * A failure a user can act on: a stable {@link ErrorCode} and a message safe to show (no paths
 * outside the service's own folders, no stack traces, no tokens).
 */
public class ModelportException extends RuntimeException {
    private final ErrorCode code;

    public ModelportException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ModelportException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
