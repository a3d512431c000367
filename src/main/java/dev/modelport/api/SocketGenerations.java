package dev.modelport.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.serving.ErrorBody;
import dev.modelport.serving.InferenceInput;
import io.quarkus.websockets.next.WebSocketConnection;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The generations of one WebSocket opened with {@code ?generate=true}. Each text frame
 * {@code {"inputs": "...", "parameters": {...}, "request_id": "..."}} starts a generation on its own
 * virtual thread (several may run at once, admitted like every other generation) whose token events
 * are sent as frames carrying its {@code request_id} (a number chosen here when the frame has none).
 * Bad input answers an error frame; the socket stays open. Closing the socket stops its generations
 * at their next token.
 */
final class SocketGenerations {
    private static final Logger LOG = Logger.getLogger(SocketGenerations.class);

    private final WebSocketConnection connection;
    private final String deploymentId;
    private final GenerationTargets targets;
    private final ObjectMapper json;
    private final int maxInputs;
    private final int maxChars;
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean open = true;

    SocketGenerations(WebSocketConnection connection, String deploymentId, GenerationTargets targets, ObjectMapper json,
                      int maxInputs, int maxChars) {
        this.connection = connection;
        this.deploymentId = deploymentId;
        this.targets = targets;
        this.json = json;
        this.maxInputs = maxInputs;
        this.maxChars = maxChars;
    }

    /** Starts the generation a frame asks for; never throws. */
    void accept(String frame) {
        String requestId = String.valueOf(requests.incrementAndGet());
        JsonNode body;
        try {
            body = json.readTree(frame);
            JsonNode given = body == null ? null : body.get("request_id");
            if (given != null && (given.isTextual() || given.isIntegralNumber())) {
                requestId = given.asText();
            }
        } catch (JsonProcessingException e) {
            sendError(requestId, ErrorCode.INVALID_REQUEST, "A frame must be a JSON object such as {\"inputs\": \"...\"}");
            return;
        }
        String id = requestId;
        Thread.ofVirtual().name("ws-generate-" + deploymentId).start(() -> generate(id, body));
    }

    private void generate(String requestId, JsonNode body) {
        try {
            InferenceInput input = InferenceInput.parse(body);
            input.checkLimits(maxInputs, maxChars);
            GenerationEvents.open(targets.requireGenerating(deploymentId), input).run(event -> send(event.put("request_id", requestId)));
        } catch (ModelportException e) {
            sendError(requestId, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "generation over the WebSocket of %s failed", deploymentId);
            sendError(requestId, ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
        }
    }

    private void sendError(String requestId, ErrorCode code, String message) {
        ObjectNode frame = json.valueToTree(ErrorBody.of(code, message));
        send(frame.put("request_id", requestId));
    }

    /** Sends one frame and waits until it is written; false once the socket is closed. */
    private boolean send(ObjectNode frame) {
        if (!open || connection.isClosed()) {
            return false;
        }
        try {
            connection.sendTextAndAwait(json.writeValueAsString(frame));
            return true;
        } catch (JsonProcessingException | RuntimeException e) {
            open = false;
            return false;
        }
    }

    /** The socket closed: running generations stop at their next token. */
    void close() {
        open = false;
    }
}
