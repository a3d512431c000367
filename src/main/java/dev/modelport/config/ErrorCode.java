package dev.modelport.config;

/** Stable error codes: clients match on these names, so never rename one. */
public enum ErrorCode {
    // request validation
    INVALID_REQUEST(ErrorCategory.BAD_REQUEST),
    INVALID_MODEL_ID(ErrorCategory.BAD_REQUEST),
    INVALID_REVISION(ErrorCategory.BAD_REQUEST),
    INVALID_DEPLOYMENT_ID(ErrorCategory.BAD_REQUEST),
    INVALID_INPUT(ErrorCategory.BAD_REQUEST),
    PAYLOAD_TOO_LARGE(ErrorCategory.TOO_LARGE),
    INPUT_TOO_LARGE(ErrorCategory.TOO_LARGE),
    UNAUTHORIZED(ErrorCategory.UNAUTHORIZED),
    NOT_FOUND(ErrorCategory.NOT_FOUND),
    METHOD_NOT_ALLOWED(ErrorCategory.BAD_REQUEST),
    UNSUPPORTED_MEDIA_TYPE(ErrorCategory.BAD_REQUEST),
    // hub
    MODEL_NOT_FOUND(ErrorCategory.NOT_FOUND),
    REVISION_NOT_FOUND(ErrorCategory.NOT_FOUND),
    FILE_NOT_FOUND(ErrorCategory.NOT_FOUND),
    GATED_MODEL(ErrorCategory.FORBIDDEN),
    NOT_IN_CACHE(ErrorCategory.NOT_FOUND),
    HUB_UNAVAILABLE(ErrorCategory.UNAVAILABLE),
    DOWNLOAD_FAILED(ErrorCategory.UPSTREAM),
    DOWNLOAD_TIMEOUT(ErrorCategory.TIMEOUT),
    CHECKSUM_MISMATCH(ErrorCategory.UPSTREAM),
    DISK_FULL(ErrorCategory.UNAVAILABLE),
    MODEL_TOO_LARGE(ErrorCategory.TOO_LARGE),
    // model support
    UNSUPPORTED_ARCHITECTURE(ErrorCategory.UNSUPPORTED),
    UNSUPPORTED_TASK(ErrorCategory.UNSUPPORTED),
    UNSUPPORTED_MODEL_FILES(ErrorCategory.UNSUPPORTED),
    /** A config.json setting or checkpoint tensor the architecture's program does not implement. */
    UNSUPPORTED_MODEL_CONFIG(ErrorCategory.UNSUPPORTED),
    INVALID_CHECKPOINT(ErrorCategory.UNSUPPORTED),
    /**
     * A PyTorch pickle checkpoint that asks for more than tensors: a global, an opcode or a call outside
     * the allow-list of {@code torch.load(weights_only=True)}. Nothing in the file was run.
     */
    UNSAFE_WEIGHTS(ErrorCategory.UNSUPPORTED),
    MEMORY_LIMIT_EXCEEDED(ErrorCategory.TOO_LARGE),
    LOAD_FAILED(ErrorCategory.INTERNAL),
    // deployments and serving
    DEPLOYMENT_NOT_FOUND(ErrorCategory.NOT_FOUND),
    DEPLOYMENT_EXISTS(ErrorCategory.CONFLICT),
    /** The deployment is declared in MODELPORT_DEPLOYMENTS(_FILE): the configuration owns it, not the API. */
    DEPLOYMENT_DECLARED(ErrorCategory.CONFLICT),
    DEPLOYMENT_NOT_READY(ErrorCategory.CONFLICT),
    TOO_MANY_DEPLOYMENTS(ErrorCategory.CONFLICT),
    NO_FREE_PORT(ErrorCategory.UNAVAILABLE),
    QUEUE_FULL(ErrorCategory.TOO_MANY_REQUESTS),
    INFERENCE_TIMEOUT(ErrorCategory.TIMEOUT),
    CANCELLED(ErrorCategory.CONFLICT),
    INTERRUPTED(ErrorCategory.UNAVAILABLE),
    /** The model's program rejected an input at run time (a shape or value its maths cannot take). */
    MODEL_ERROR(ErrorCategory.UNSUPPORTED),
    INTERNAL_ERROR(ErrorCategory.INTERNAL);

    private final ErrorCategory category;

    ErrorCode(ErrorCategory category) {
        this.category = category;
    }

    public ErrorCategory category() {
        return category;
    }
}
