package dev.modelport.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.serving.ErrorBody;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Server-Sent Events answer written as events happen: one {@code data:} line per event, flushed
 * at once. Once the client has gone away {@link #send} answers false, so the producer (a
 * generation) stops. That is read off the connection, not off a failed write: a write to a
 * connection the client has closed is dropped by Vert.x without an error. An error after the
 * stream has started is sent as an {@code event: error} with the usual error body, since the
 * status line is already gone.
 */
public final class SseStream {
    private static final Logger LOG = Logger.getLogger(SseStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream out;
    private final HttpServerResponse connection;
    private boolean open = true;

    private SseStream(OutputStream out, HttpServerResponse connection) {
        this.out = out;
        this.connection = connection;
    }

    /**
     * A 200 text/event-stream response whose body is written by {@code producer}.
     *
     * @param connection the request's response, watched for the client going away
     */
    public static Response response(HttpServerResponse connection, Producer producer) {
        StreamingOutput body = out -> {
            SseStream stream = new SseStream(out, connection);
            try {
                producer.produce(stream);
            } catch (ModelportException e) {
                stream.error(e.code(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("streamed generation failed", e);
                stream.error(ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
            }
        };
        return Response.ok(body).type("text/event-stream").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no").build();
    }

    /** Writes the events of one streamed answer. */
    @FunctionalInterface
    public interface Producer {
        void produce(SseStream stream);
    }

    /** Sends one {@code data:} event holding {@code value} as JSON; false once the client is gone. */
    public boolean send(Object value) {
        try {
            return write("data: " + JSON.writeValueAsString(value) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a raw {@code data:} line, e.g. OpenAI's {@code [DONE]}. */
    public boolean sendRaw(String data) {
        return write("data: " + data + "\n\n");
    }

    private void error(ErrorCode code, String message) {
        try {
            write("event: error\ndata: " + JSON.writeValueAsString(ErrorBody.of(code, message)) + "\n\n");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean write(String event) {
        if (!open || connection.closed()) {
            open = false;
            return false;
        }
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            open = false;
            return false;
        }
    }
}
