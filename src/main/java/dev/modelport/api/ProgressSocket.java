package dev.modelport.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.lifecycle.ErrorInfo;
import dev.modelport.lifecycle.ProgressEvent;
import dev.modelport.serving.ErrorBody;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
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
import java.util.regex.Pattern;

/**
 * {@code WS /api/v1/ws/{id}}: on connect the latest event at once, then each new event in order (DESIGN.md);
 * with {@code ?history=true} the deployment's bounded history first instead (every stage change and the
 * latest download tick of each file, in order; the last of them is the latest event), which is what the
 * web UI's progress log asks for. The server closes normally after the terminal event. An unknown id gets
 * an {@code error} event and a close.
 *
 * <p>Connected with {@code ?generate=true}, the socket stays open after {@code completed} and
 * generates text for the frames it is sent ({@link SocketGenerations}); after {@code failed},
 * {@code cancelled} or {@code stopped} it closes as usual.
 */
@WebSocket(path = "/api/v1/ws/{id}")
public class ProgressSocket {
    private static final Logger LOG = Logger.getLogger(ProgressSocket.class);
    private static final Pattern GENERATE = Pattern.compile("(^|&)generate=(true|1)(&|$)");
    private static final Pattern HISTORY = Pattern.compile("(^|&)history=(true|1)(&|$)");

    private final Map<String, Cancellable> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, SocketGenerations> generating = new ConcurrentHashMap<>();

    @Inject
    DeploymentRegistry registry;
    @Inject
    GenerationTargets targets;
    @Inject
    ModelportConfig config;
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
        String query = connection.handshakeRequest().query();
        boolean generate = query != null && GENERATE.matcher(query).find();
        if (generate) {
            generating.put(connection.id(), new SocketGenerations(connection, id, targets, json,
                    config.limits().maxInputsPerRequest(), config.limits().maxInputChars()));
        }
        String completed = DeploymentStatus.COMPLETED.wireName();
        String[] last = {null};
        boolean history = query != null && HISTORY.matcher(query).find();
        Cancellable sub = (history ? deployment.get().eventsWithHistory() : deployment.get().events())
                .onItem().transformToUniAndConcatenate(e -> {
                    last[0] = e.status();
                    return connection.sendText(write(e));
                })
                .onCompletion().call(() -> generate && completed.equals(last[0]) ? Uni.createFrom().voidItem() : connection.close())
                .subscribe().with(v -> { }, f -> LOG.debugf("progress socket %s ended: %s", id, f.getMessage()));
        subscriptions.put(connection.id(), sub);
        return Uni.createFrom().voidItem();
    }

    @OnTextMessage
    public void message(WebSocketConnection connection, String frame) {
        SocketGenerations session = generating.get(connection.id());
        if (session != null) {
            session.accept(frame);
            return;
        }
        ObjectNode error = json.valueToTree(ErrorBody.of(ErrorCode.INVALID_REQUEST,
                "This socket only sends progress; connect with ?generate=true to generate text over it"));
        connection.sendTextAndAwait(error.toString());
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        Cancellable sub = subscriptions.remove(connection.id());
        if (sub != null) {
            sub.cancel();
        }
        SocketGenerations session = generating.remove(connection.id());
        if (session != null) {
            session.close();
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
