package dev.modelport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelport.config.ErrorCode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Locale;

/**
 * OpenAI's error shape, {@code {"error": {"message", "type", "param", "code"}}}, for the
 * {@code /v1/*} routes, whose clients (the openai SDKs) parse exactly that.
 */
public record OpenAiError(Detail error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }

    static OpenAiError of(ErrorCode code, String message) {
        return new OpenAiError(new Detail(message, type(code), null, wireCode(code)));
    }

    static Response response(ErrorCode code, String message) {
        Response.ResponseBuilder b = Response.status(code.category().httpStatus()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(of(code, message));
        if (code == ErrorCode.QUEUE_FULL) {
            b.header("Retry-After", "1");
        }
        return b.build();
    }

    private static String type(ErrorCode code) {
        return switch (code.category().httpStatus()) {
            case 401, 403 -> "authentication_error";
            case 429 -> "rate_limit_error";
            default -> code.category().httpStatus() >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** OpenAI's codes are lower snake case; an unknown deployment is its "model_not_found". */
    private static String wireCode(ErrorCode code) {
        return code == ErrorCode.DEPLOYMENT_NOT_FOUND ? "model_not_found" : code.name().toLowerCase(Locale.ROOT);
    }
}
