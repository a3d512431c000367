package dev.modelport.security;

import dev.modelport.config.ModelportConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Router filter in front of every route: /api/* (REST and the progress WebSocket), /v1/*, /models/* (the
 * per-deployment Hugging Face, TGI and TEI routes; a dedicated port's paths are rerouted there before this
 * filter sees them) and, when
 * METRICS_REQUIRE_API_KEY is true, /q/metrics need a key. Health, OpenAPI and the web UI's own files
 * stay open; the UI's calls to /api then carry the key the user gives it.
 */
@ApplicationScoped
public class ApiKeyFilter {

    void install(@Observes Router router, ApiKeyGuard guard, ModelportConfig config) {
        if (!guard.required()) {
            return;
        }
        boolean metrics = config.security().metricsRequireApiKey();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            if (needsKey(ctx.normalizedPath(), metrics) && !isCorsPreflight(ctx.request()) && !guard.admit(ctx.request())) {
                return;
            }
            ctx.next();
        });
    }

    static boolean needsKey(String path, boolean metrics) {
        return under(path, "/api") || under(path, "/v1") || under(path, "/models") || (metrics && under(path, "/q/metrics"));
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Browsers send preflights without credentials; the CORS filter answers them. */
    private static boolean isCorsPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader(HttpHeaders.ORIGIN) != null
                && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    }
}
