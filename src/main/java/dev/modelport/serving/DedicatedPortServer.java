package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.security.ApiKeyGuard;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A deployment's own port: {@code POST /predict} (same bodies and answers as the main inference
 * route) and {@code GET /health}. Inference runs on a virtual thread, never on the event loop.
 */
final class DedicatedPortServer {
    private static final Logger LOG = Logger.getLogger(DedicatedPortServer.class);

    private final HttpServer server;
    private final ServedModel model;
    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final InputLimits limits;
    private final ApiKeyGuard guard;

    record InputLimits(int maxInputs, int maxChars) {
    }

    private DedicatedPortServer(Vertx vertx, ServedModel model, ObjectMapper json, long maxBodyBytes, InputLimits limits,
                                ApiKeyGuard guard) {
        this.model = model;
        this.guard = guard;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
    }

    /** Binds the port or returns null when it is in use. */
    static DedicatedPortServer bind(Vertx vertx, String host, int port, ServedModel model, ObjectMapper json,
                                    long maxBodyBytes, InputLimits limits, ApiKeyGuard guard) {
        DedicatedPortServer s = new DedicatedPortServer(vertx, model, json, maxBodyBytes, limits, guard);
        try {
            s.server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return s;
        } catch (Exception e) {
            LOG.debugf("port %d not bindable: %s", port, e.getMessage());
            return null;
        }
    }

    int port() {
        return server.actualPort();
    }

    void close() {
        server.close();
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/health") && req.method().name().equals("GET")) {
            send(req.response(), 200, Map.of("status", "UP", "deployment_id", model.deploymentId()));
            return;
        }
        if (!guard.admit(req)) {
            return;
        }
        if (!path.equals("/predict")) {
            error(req.response(), ErrorCode.NOT_FOUND, "Only POST /predict and GET /health are served on this port");
            return;
        }
        if (!req.method().name().equals("POST")) {
            error(req.response(), ErrorCode.METHOD_NOT_ALLOWED, "Use POST /predict");
            return;
        }
        String length = req.getHeader("Content-Length");
        if (length != null && parseLong(length) > maxBodyBytes) {
            error(req.response(), ErrorCode.PAYLOAD_TOO_LARGE, "Body larger than MAX_BODY_BYTES=" + maxBodyBytes);
            return;
        }
        Buffer body = Buffer.buffer();
        req.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                error(req.response(), ErrorCode.PAYLOAD_TOO_LARGE, "Body larger than MAX_BODY_BYTES=" + maxBodyBytes);
                req.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (req.response().ended()) {
                return;
            }
            Thread.ofVirtual().name("predict-" + model.deploymentId()).start(() -> predict(req.response(), body));
        });
    }

    private void predict(HttpServerResponse response, Buffer body) {
        try {
            JsonNode tree;
            try {
                tree = json.readTree(body.getBytes());
            } catch (Exception e) {
                throw new ModelportException(ErrorCode.INVALID_REQUEST, "Body is not valid JSON");
            }
            InferenceInput input = InferenceInput.parse(tree);
            input.checkLimits(limits.maxInputs(), limits.maxChars());
            send(response, 200, InferenceResponse.of(model.deploymentId(), model.infer(input)));
        } catch (ModelportException e) {
            error(response, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "predict failed on %s", model.deploymentId());
            error(response, ErrorCode.INTERNAL_ERROR, "Inference failed");
        }
    }

    private void error(HttpServerResponse response, ErrorCode code, String message) {
        if (code == ErrorCode.QUEUE_FULL) {
            response.putHeader("Retry-After", "1");
        }
        send(response, code.category().httpStatus(), ErrorBody.of(code, message));
    }

    private void send(HttpServerResponse response, int status, Object payload) {
        try {
            byte[] bytes = json.writeValueAsBytes(payload);
            if (!response.ended()) {
                response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(bytes));
            }
        } catch (Exception e) {
            LOG.error("could not write response", e);
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
