package dev.modelport.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.serving.ErrorBody;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one mapping from failures to HTTP answers: a status, the error body, never a stack trace. */
public class ApiErrors {
    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    static Response response(ErrorCode code, String message) {
        Response.ResponseBuilder b = Response.status(code.category().httpStatus())
                .type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(code, message));
        if (code == ErrorCode.QUEUE_FULL) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response modelport(ModelportException e) {
        switch (e.code().category()) {
            // our bug or the hub's: keep the whole trace
            case INTERNAL, UPSTREAM -> LOG.errorf(e, "%s: %s", e.code(), e.getMessage());
            // overload and timeouts are expected under load; a trace per request would flood the log
            case TIMEOUT, UNAVAILABLE -> LOG.warnf("%s: %s", e.code(), e.getMessage());
            default -> { }
        }
        return response(e.code(), e.getMessage());
    }

    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e) {
        return response(ErrorCode.INVALID_REQUEST, "Unknown field \"" + e.getPropertyName() + "\"; known fields: "
                + e.getKnownPropertyIds());
    }

    /** Quarkus ships its own mapper for this subtype (an empty 400); ours gives the error body. */
    @ServerExceptionMapper(priority = 1)
    public Response wrongShape(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper(priority = 2)
    public Response badJson(JsonProcessingException e) {
        String detail = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
        if (detail.length() > 200) {
            detail = detail.substring(0, 200);
        }
        return response(ErrorCode.INVALID_REQUEST, "Malformed JSON body: " + detail);
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        return response(ErrorCode.INVALID_REQUEST, e.getConstraintViolations().stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage()).findFirst().orElse("Invalid request"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotFoundException) {
            return response(ErrorCode.NOT_FOUND, "No such route");
        }
        if (e instanceof NotAllowedException) {
            return Response.status(405).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorBody.of(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed on this route")).build();
        }
        if (e instanceof NotSupportedException) {
            return Response.status(415).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorBody.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send Content-Type: application/json")).build();
        }
        if (status == 413) {
            return response(ErrorCode.PAYLOAD_TOO_LARGE, "Request body too large");
        }
        if (status >= 500) {
            LOG.error("request failed", e);
            return response(ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
        }
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(ErrorCode.INVALID_REQUEST, "Bad request")).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("Unexpected error", e);
        return response(ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
    }
}
