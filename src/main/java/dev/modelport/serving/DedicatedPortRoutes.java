package dev.modelport.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.security.ApiKeyGuard;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the dedicated ports with the main port's router. Each port's server hands its requests to
 * that router ({@link #entry()}); the first route there sees which port a request came in on and, for a
 * dedicated one, reroutes it to the deployment's path on the main port ({@link DedicatedPortPaths}), or
 * answers 404 when the path leads nowhere there. Everything after that (body limit, API key, resource,
 * error mapping, streaming) is the main port's, unchanged. {@code GET /health} is answered here: it is
 * the port's own liveness and needs no key.
 */
@ApplicationScoped
public class DedicatedPortRoutes {
    private final Map<Integer, String> deployments = new ConcurrentHashMap<>();
    private volatile Router router;

    @Inject
    ObjectMapper json;
    @Inject
    ApiKeyGuard guard;

    void install(@Observes Router router) {
        this.router = router;
        router.route().order(Integer.MIN_VALUE).handler(this::map);
    }

    /** The request handler of a dedicated port's server: the main router, on a request context of its own. */
    Handler<HttpServerRequest> entry() {
        return request -> {
            Router main = router;
            if (main == null) {
                send(request, ErrorCode.INTERRUPTED, "The service is starting; try again");
                return;
            }
            if (VertxContext.isOnDuplicatedContext()) {
                main.handle(request);
            } else {
                Context context = VertxContext.getOrCreateDuplicatedContext();
                request.pause();
                context.runOnContext(v -> {
                    request.resume();
                    main.handle(request);
                });
            }
        };
    }

    void attach(int port, String deploymentId) {
        deployments.put(port, deploymentId);
    }

    void detach(int port) {
        deployments.remove(port);
    }

    private void map(RoutingContext ctx) {
        SocketAddress local = ctx.request().localAddress();
        String deployment = local == null ? null : deployments.get(local.port());
        if (deployment == null) {
            ctx.next();
            return;
        }
        String path = ctx.normalizedPath();
        if (path.equals("/health") && ctx.request().method() == HttpMethod.GET) {
            write(ctx.request(), 200, Map.of("status", "UP", "deployment_id", deployment));
            return;
        }
        var target = DedicatedPortPaths.target(path, deployment);
        if (target.isEmpty()) {
            if (guard.admit(ctx.request())) {
                send(ctx.request(), ErrorCode.NOT_FOUND, "No route " + path + " on the port of deployment '" + deployment
                        + "': POST /, /predict, /generate, /generate_stream, /v1/...; GET /health");
            }
            return;
        }
        if (target.get().equals(path)) {
            ctx.next();
        } else {
            String query = ctx.request().query();
            ctx.reroute(target.get() + (query == null ? "" : "?" + query));
        }
    }

    private void send(HttpServerRequest request, ErrorCode code, String message) {
        write(request, code.category().httpStatus(), ErrorBody.of(code, message));
    }

    private void write(HttpServerRequest request, int status, Object body) {
        try {
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(body));
        } catch (Exception e) {
            request.response().setStatusCode(500).end();
        }
    }
}
