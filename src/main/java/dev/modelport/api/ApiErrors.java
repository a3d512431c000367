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
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one mapping from failures to HTTP answers: a status, the error body, never a stack trace. */
public class ApiErrors {
    private static final Logger LOG = Logger.getLogger(ApiErrors.class);

    /** A deployment's OpenAI routes under its raw base URL ({@code /models/<id>/v1/...}, see {@link HfModelsResource}). */
    private static final java.util.regex.Pattern MODEL_OPENAI_PATH = java.util.regex.Pattern.compile("/?models/[^/]+/v1/.*");

    /** OpenAI-compatible routes answer in OpenAI's error shape so their clients can read it; the rest in ours. */
    static Response respond(UriInfo uri, ErrorCode code, String message) {
        String path = uri == null ? "" : uri.getPath();
        boolean openAi = path.startsWith("/v1/") || path.startsWith("v1/") || MODEL_OPENAI_PATH.matcher(path).matches();
        return openAi ? OpenAiError.response(code, message) : response(code, message);
    }

    static Response response(ErrorCode code, String message) {
        Response.ResponseBuilder b = Response.status(code.category().httpStatus())
                .type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(code, message));
        if (code == ErrorCode.QUEUE_FULL) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response modelport(ModelportException e, UriInfo uri) {
        switch (e.code().category()) {
            // our bug or the hub's: keep the whole trace
            case INTERNAL, UPSTREAM -> LOG.errorf(e, "%s: %s", e.code(), e.getMessage());
            // overload and timeouts are expected under load; a trace per request would flood the log
            case TIMEOUT, UNAVAILABLE -> LOG.warnf("%s: %s", e.code(), e.getMessage());
            default -> { }
        }
        return respond(uri, e.code(), e.getMessage());
    }

    @ServerExceptionMapper(priority = 1)
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return respond(uri, ErrorCode.INVALID_REQUEST, "Unknown field \"" + e.getPropertyName() + "\"; known fields: "
                + e.getKnownPropertyIds());
    }

    /** Quarkus ships its own mapper for this subtype (an empty 400); ours gives the error body. */
    @ServerExceptionMapper(priority = 1)
    public Response wrongShape(MismatchedInputException e, UriInfo uri) {
        return badJson(e, uri);
    }

    @ServerExceptionMapper(priority = 2)
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        String detail = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().split("\n")[0];
        if (detail.length() > 200) {
            detail = detail.substring(0, 200);
        }
        return respond(uri, ErrorCode.INVALID_REQUEST, "Malformed JSON body: " + detail);
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e, UriInfo uri) {
        return respond(uri, ErrorCode.INVALID_REQUEST, e.getConstraintViolations().stream()
                .map(v -> v.getPropertyPath() + " " + v.getMessage()).findFirst().orElse("Invalid request"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotFoundException) {
            return respond(uri, ErrorCode.NOT_FOUND, "No such route");
        }
        if (e instanceof NotAllowedException) {
            return Response.fromResponse(respond(uri, ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed on this route")).status(405).build();
        }
        if (e instanceof NotSupportedException) {
            return Response.fromResponse(respond(uri, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send Content-Type: application/json")).status(415).build();
        }
        if (status == 413) {
            return respond(uri, ErrorCode.PAYLOAD_TOO_LARGE, "Request body too large");
        }
        if (status >= 500) {
            LOG.error("request failed", e);
            return respond(uri, ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
        }
        return Response.fromResponse(respond(uri, ErrorCode.INVALID_REQUEST, "Bad request")).status(status).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.error("Unexpected error", e);
        return respond(uri, ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
    }
}
