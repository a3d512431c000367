package dev.modelport.serving;

import dev.modelport.config.ErrorCode;

/** The one error shape of every endpoint: {@code {"status":"error","error":{"code","message"}}}. */
public record ErrorBody(String status, Detail error) {
    public record Detail(String code, String message) {
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody("error", new Detail(code.name(), message));
    }
}
