package dev.modelport.config;

/** What kind of failure an {@link ErrorCode} is, and the HTTP status every endpoint answers it with. */
public enum ErrorCategory {
    BAD_REQUEST(400), UNAUTHORIZED(401), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), TOO_LARGE(413),
    UNSUPPORTED(422), TOO_MANY_REQUESTS(429), INTERNAL(500), UPSTREAM(502), UNAVAILABLE(503), TIMEOUT(504);

    private final int httpStatus;

    ErrorCategory(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
