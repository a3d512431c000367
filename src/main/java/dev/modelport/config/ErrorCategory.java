package dev.modelport.config;

/** What kind of failure an {@link ErrorCode} is; the API turns each into one HTTP status. */
public enum ErrorCategory {
    BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, UNSUPPORTED,
    TOO_MANY_REQUESTS, UPSTREAM, UNAVAILABLE, TIMEOUT, INTERNAL
}
