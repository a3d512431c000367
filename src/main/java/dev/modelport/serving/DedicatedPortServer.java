package dev.modelport.serving;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.jboss.logging.Logger;

import java.util.concurrent.TimeUnit;

/**
 * A deployment's own port: a listening socket and nothing else. Every request it accepts goes to the
 * main port's router ({@link DedicatedPortRoutes#entry()}), which maps its path onto the deployment's
 * routes there, so body limits, API keys, errors and streaming are the main port's own.
 */
final class DedicatedPortServer {
    private static final Logger LOG = Logger.getLogger(DedicatedPortServer.class);

    private final HttpServer server;

    private DedicatedPortServer(HttpServer server) {
        this.server = server;
    }

    /** Binds the port or returns null when it is in use. */
    static DedicatedPortServer bind(Vertx vertx, String host, int port, Handler<HttpServerRequest> app) {
        HttpServer server = vertx.createHttpServer().requestHandler(app);
        try {
            server.listen(port, host).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new DedicatedPortServer(server);
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
}
