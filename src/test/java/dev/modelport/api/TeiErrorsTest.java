package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** TEI's status codes and error types for Modelport's error codes (TEI's OpenAPI: 413, 422, 424, 429). */
class TeiErrorsTest {

    @Test
    void teiStatusesWhereTeiHasThem() {
        assertTei(ErrorCode.INPUT_TOO_LARGE, 413, "validation");
        assertTei(ErrorCode.PAYLOAD_TOO_LARGE, 413, "validation");
        assertTei(ErrorCode.INVALID_REQUEST, 422, "validation");
        assertTei(ErrorCode.INVALID_INPUT, 422, "validation");
        assertTei(ErrorCode.UNSUPPORTED_TASK, 424, "backend");
        assertTei(ErrorCode.MODEL_ERROR, 424, "backend");
        assertTei(ErrorCode.QUEUE_FULL, 429, "overloaded");
        assertTei(ErrorCode.DEPLOYMENT_NOT_READY, 503, "unhealthy");
    }

    @Test
    void modelportStatusesWhereTeiHasNone() {
        assertTei(ErrorCode.DEPLOYMENT_NOT_FOUND, 404, "validation");
        assertTei(ErrorCode.INFERENCE_TIMEOUT, 504, "backend");
        assertTei(ErrorCode.INTERNAL_ERROR, 500, "backend");
    }

    @Test
    void overloadSaysWhenToRetryAndAFailureNeverLeaksItsTrace() {
        assertEquals("1", TeiErrors.response(ErrorCode.QUEUE_FULL, "full").getHeaderString("Retry-After"));
        assertNull(TeiErrors.response(ErrorCode.INVALID_REQUEST, "bad").getHeaderString("Retry-After"));
        Response r = TeiErrors.answer(() -> {
            throw new IllegalStateException("secret detail");
        });
        assertEquals(500, r.getStatus());
        assertEquals(new TeiErrors.Body("Internal error; see logs/deployment.log", "backend", "INTERNAL_ERROR"), r.getEntity());
    }

    private static void assertTei(ErrorCode code, int status, String type) {
        Response r = TeiErrors.response(code, "message");
        assertEquals(status, r.getStatus(), code.name());
        assertEquals(new TeiErrors.Body("message", type, code.name()), r.getEntity(), code.name());
    }
}
