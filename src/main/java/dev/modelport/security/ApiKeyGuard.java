package dev.modelport.security;

import dev.modelport.config.ModelportConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Lets a request through when it carries an accepted key, else answers it 401 with the standard error
 * body and {@code WWW-Authenticate: Bearer}. The one place that reads a key off a request, shared by
 * the main router and the dedicated ports.
 */
@Singleton
public class ApiKeyGuard {
    static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    @Inject
    public ApiKeyGuard(ModelportConfig config) {
        this(ApiKeys.of(config.security().apiKeyEnabled(), config.security().apiKeys().orElse(java.util.List.of())));
    }

    ApiKeyGuard(ApiKeys keys) {
        this.keys = keys;
    }

    public boolean required() {
        return keys.required();
    }

    /** True when the request may go on; false when it was answered 401 here. */
    public boolean admit(HttpServerRequest request) {
        if (!keys.required()) {
            return true;
        }
        String presented = presentedKey(request);
        if (keys.accepts(presented)) {
            return true;
        }
        reject(request, presented == null
                ? "This server requires an API key: send Authorization: Bearer <key> or X-API-Key: <key>"
                : "The API key is not valid");
        return false;
    }

    /**
     * Authorization: Bearer first, then X-API-Key. A {@code token} query parameter counts only on a
     * WebSocket handshake, which browsers cannot give headers; elsewhere it would put keys in logs.
     */
    static String presentedKey(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization.substring(BEARER.length()).strip();
        }
        String apiKey = request.getHeader("X-API-Key");
        if (apiKey != null) {
            return apiKey.strip();
        }
        if (isWebSocketHandshake(request)) {
            return request.getParam("token");
        }
        return null;
    }

    private static boolean isWebSocketHandshake(HttpServerRequest request) {
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    private static void reject(HttpServerRequest request, String message) {
        String body = new JsonObject().put("status", "error")
                .put("error", new JsonObject().put("code", "UNAUTHORIZED").put("message", message)).encode();
        request.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"modelport\"")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body);
    }
}
