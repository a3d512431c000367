package dev.modelport.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.serving.ErrorBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * Router-level guards that run before any resource: declared bodies over MAX_BODY_BYTES get 413, and
 * API paths no resource answers (under quarkus.quinoa.ignored-path-prefixes: /api, /models, the TGI and
 * TEI paths...) get the JSON 404 instead of the web UI's page.
 */
@ApplicationScoped
public class ApiRoutes {

    @Inject
    ModelportConfig config;
    @Inject
    ObjectMapper json;
    /** The paths that are never the web UI's (the API's, the raw Hugging Face / TGI / TEI routes'). */
    @ConfigProperty(name = "quarkus.quinoa.ignored-path-prefixes", defaultValue = "/api,/q,/v1")
    List<String> apiPrefixes;

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::limitBody);
        for (String prefix : apiPrefixes) {
            if (!prefix.equals("/q") && !prefix.equals("/v1")) {
                router.route(prefix).last().handler(ctx -> send(ctx, ErrorCode.NOT_FOUND, "No such route: " + ctx.request().path()));
                router.route(prefix + "/*").last().handler(ctx -> send(ctx, ErrorCode.NOT_FOUND, "No such route: " + ctx.request().path()));
            }
        }
        router.route("/v1/*").last().handler(ctx -> write(ctx, ErrorCode.NOT_FOUND,
                OpenAiError.of(ErrorCode.NOT_FOUND, "No such route: " + ctx.request().path())));
    }

    private void limitBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n > config.limits().maxBodyBytes()) {
                send(ctx, ErrorCode.PAYLOAD_TOO_LARGE, "Request body of " + n + " bytes is over MAX_BODY_BYTES="
                        + config.limits().maxBodyBytes());
                return;
            }
        }
        ctx.next();
    }

    private void send(RoutingContext ctx, ErrorCode code, String message) {
        write(ctx, code, ErrorBody.of(code, message));
    }

    private void write(RoutingContext ctx, ErrorCode code, Object body) {
        try {
            ctx.response().setStatusCode(code.category().httpStatus()).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(body));
        } catch (Exception e) {
            ctx.fail(e);
        }
    }
}
