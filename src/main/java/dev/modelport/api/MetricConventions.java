package dev.modelport.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Keeps the framework's meters in Prometheus' conventions, so that {@code promtool check metrics}
 * is clean on {@code /q/metrics}. Modelport's own meters describe themselves; of the framework's:
 * <ul>
 * <li>a HELP text for the meters whose binder gives none ({@code http_server_active_requests});</li>
 * <li>{@code system_cpu_count} is renamed {@code system_cpu_processors} (a gauge must not end in
 *     {@code _count});</li>
 * <li>the JVM's CPU time is left out: it is exported in nanoseconds as
 *     {@code process_cpu_time_ns_total}, an abbreviated unit a filter cannot convert
 *     ({@code process_cpu_usage} remains);</li>
 * <li>long task timers are left out ({@code http_server_connections_seconds}): the Prometheus
 *     registry writes them as a summary whose {@code _active_count} and {@code _duration_sum}
 *     samples belong to no family.</li>
 * </ul>
 */
@ApplicationScoped
public class MetricConventions {
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "http.server.active.requests", "HTTP requests being served");

    @Produces
    @Singleton
    MeterFilter conventions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                Meter.Id named = id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
                if (named.getDescription() != null && !named.getDescription().isBlank()) {
                    return named;
                }
                // a meter a future binder adds without a description still gets a HELP line
                String description = DESCRIPTIONS.getOrDefault(named.getName(), named.getName());
                return new Meter.Id(named.getName(), Tags.of(named.getTags()), named.getBaseUnit(), description, named.getType());
            }

            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getName().equals("process.cpu.time") || id.getType() == Meter.Type.LONG_TASK_TIMER
                        ? MeterFilterReply.DENY
                        : MeterFilterReply.NEUTRAL;
            }
        };
    }
}
