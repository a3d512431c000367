package dev.modelport.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.ErrorInfo;
import dev.modelport.lifecycle.ProgressEvent;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.PathParam;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code WS /api/v1/ws/{id}}: the latest event at once, then each new one in order; the server
 * closes normally after the terminal event. An unknown id gets an {@code error} event and a close.
 */
@WebSocket(path = "/api/v1/ws/{id}")
public class ProgressSocket {
    private static final Logger LOG = Logger.getLogger(ProgressSocket.class);

    private final Map<String, Cancellable> subscriptions = new ConcurrentHashMap<>();

    @Inject
    DeploymentRegistry registry;
    @Inject
    ObjectMapper json;

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection, @PathParam("id") String id) {
        var deployment = registry.find(id);
        if (deployment.isEmpty()) {
            ProgressEvent unknown = new ProgressEvent(id, "error", 0, Instant.now(), "No deployment '" + id + "'",
                    null, null, null, null, null, new ErrorInfo(ErrorCode.DEPLOYMENT_NOT_FOUND.name(), "No deployment '" + id + "'"));
            return connection.sendText(write(unknown)).chain(() -> connection.close());
        }
        Cancellable sub = deployment.get().events()
                .onItem().transformToUniAndConcatenate(e -> connection.sendText(write(e)))
                .onCompletion().call(() -> connection.close())
                .subscribe().with(v -> { }, f -> LOG.debugf("progress socket %s ended: %s", id, f.getMessage()));
        subscriptions.put(connection.id(), sub);
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Cancellable sub = subscriptions.remove(connection.id());
        if (sub != null) {
            sub.cancel();
        }
    }

    private String write(ProgressEvent e) {
        try {
            return json.writeValueAsString(e);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}
