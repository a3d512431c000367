package dev.modelport.api;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.util.Locale;

/**
 * {@code GET /q/metrics} in the Prometheus text format (0.0.4) whatever the Accept header, and in
 * OpenMetrics only for a client that names {@code application/openmetrics-text} (as Prometheus
 * itself does). Quarkus' own handler answers OpenMetrics to any Accept without "text/plain" (so
 * curl's {@code *}/{@code *} gets a format promtool cannot read) and 406 to an explicit
 * OpenMetrics request (its route produces text/plain only); this route runs before it, on the same
 * path, and serves the same registry.
 */
@ApplicationScoped
public class MetricsRoute {
    static final String PATH = "/q/metrics";
    private static final String OPENMETRICS = "application/openmetrics-text";

    @Inject
    PrometheusMeterRegistry registry;

    void install(@Observes Router router) {
        // Quarkus' handler is registered with order 1: a lower order runs first
        router.get(PATH).order(0).handler(this::scrape);
    }

    private void scrape(RoutingContext ctx) {
        String type = contentType(ctx.request().getHeader("Accept"));
        ctx.response().putHeader("Content-Type", type).end(registry.scrape(type));
    }

    /** OpenMetrics when a media range of the Accept header names it with a non-zero q, else the text format. */
    static String contentType(String accept) {
        if (accept != null) {
            for (String range : accept.split(",")) {
                String[] parts = range.split(";");
                if (parts[0].trim().toLowerCase(Locale.ROOT).equals(OPENMETRICS) && !refused(parts)) {
                    return TextFormat.CONTENT_TYPE_OPENMETRICS_100;
                }
            }
        }
        return TextFormat.CONTENT_TYPE_004;
    }

    /** A range with {@code q=0} means "not this one". */
    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
