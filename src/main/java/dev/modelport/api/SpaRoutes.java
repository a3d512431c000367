package dev.modelport.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends the web UI's own routes ({@code /deploy/model}, {@code /deployments/x}) to its index page, so a
 * reload or a shared link opens the page instead of a JSON 404. Quinoa's SPA routing cannot do this
 * here: it relies on Quarkus REST passing unmatched paths on, which REST stops doing as soon as an
 * exception mapper covers {@code NotFoundException} (ours, in {@link ApiErrors}, does).
 */
@ApplicationScoped
public class SpaRoutes {

    private static final Predicate<String> FILE = Pattern.compile(".+\\.[A-Za-z0-9]+$").asMatchPredicate();

    @ConfigProperty(name = "quarkus.quinoa.ignored-path-prefixes", defaultValue = "/api,/q,/v1")
    List<String> apiPrefixes;

    void install(@Observes Router router) {
        router.get("/*").order(Integer.MIN_VALUE + 1).handler(this::route);
    }

    private void route(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (isUiRoute(path)) {
            ctx.reroute("/");
        } else {
            ctx.next();
        }
    }

    /** Not the root, not a file, not the API, and not Vite's dev-server paths ({@code /@vite/...}). */
    boolean isUiRoute(String path) {
        if (path.equals("/") || path.startsWith("/@") || FILE.test(path)) {
            return false;
        }
        return apiPrefixes.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }
}
