package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * Errors of the TEI-compatible routes, with Hugging Face TEI's status codes and body so that TEI
 * clients (huggingface_hub reads {@code error} as a string, LlamaIndex and curl users read TEI's
 * shape) understand them: {@code {"error": message, "error_type": TEI's type, "code": Modelport's
 * stable ErrorCode}}. Statuses: 413 input too large (TEI "validation"), 422 a request the route
 * cannot take (malformed, unknown field, bad value), 424 the model cannot do what was asked (not an
 * embedding model, not a reranker; TEI "backend"), 429 queue full ("overloaded"), 503 the deployment
 * is not serving yet ("unhealthy"); Modelport's own statuses for what TEI has no answer for
 * (404 unknown deployment, 504 timeout, 500 our bug).
 */
final class TeiErrors {
    private static final Logger LOG = Logger.getLogger(TeiErrors.class);

    private TeiErrors() {
    }

    /** TEI's ErrorResponse plus Modelport's code. */
    record Body(String error, String error_type, String code) {
    }

    /** Runs a route's work, answering a failure in TEI's shape. */
    static Response answer(Supplier<Object> work) {
        try {
            return Response.ok(work.get(), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (ModelportException e) {
            if (e.code().category().httpStatus() >= 500) {
                LOG.errorf(e, "%s: %s", e.code(), e.getMessage());
            }
            return response(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("TEI route failed", e);
            return response(ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
        }
    }

    static Response response(ErrorCode code, String message) {
        int status = status(code);
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new Body(message, type(status), code.name()));
        if (code == ErrorCode.QUEUE_FULL) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case INPUT_TOO_LARGE, PAYLOAD_TOO_LARGE -> 413;
            case INVALID_INPUT, INVALID_REQUEST, UNSUPPORTED_MEDIA_TYPE -> 422;
            case UNSUPPORTED_TASK, MODEL_ERROR -> 424;
            case QUEUE_FULL -> 429;
            case DEPLOYMENT_NOT_READY -> 503;
            default -> code.category().httpStatus();
        };
    }

    private static String type(int status) {
        return switch (status) {
            case 424 -> "backend";
            case 429 -> "overloaded";
            case 503 -> "unhealthy";
            default -> status >= 500 ? "backend" : "validation";
        };
    }
}
