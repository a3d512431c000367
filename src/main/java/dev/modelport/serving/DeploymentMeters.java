package dev.modelport.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * One deployment's meters: each tagged with its id, described (Prometheus' HELP), and removed
 * together when the deployment stops, so an undeployed model leaves no series behind. Timers and
 * summaries publish histogram buckets, so that percentiles can be computed across replicas.
 */
final class DeploymentMeters {
    private final String deploymentId;
    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    DeploymentMeters(String deploymentId, MeterRegistry registry) {
        this.deploymentId = deploymentId;
        this.registry = registry;
    }

    /**
     * A latency histogram; Prometheus' name gets {@code _seconds}. Its buckets cover {@code shortest}
     * to {@code longest} (Micrometer's default, 1 ms to 30 s, would put every tokenizer call in its
     * first bucket).
     */
    Timer timer(String name, String description, Duration shortest, Duration longest) {
        return own(Timer.builder(name).tag("deployment", deploymentId).description(description)
                .publishPercentileHistogram().minimumExpectedValue(shortest).maximumExpectedValue(longest).register(registry));
    }

    /** A histogram of counts (texts, tokens) over the given bucket bounds. */
    DistributionSummary histogram(String name, String description, double... buckets) {
        return own(DistributionSummary.builder(name).tag("deployment", deploymentId).description(description)
                .serviceLevelObjectives(buckets).register(registry));
    }

    /** A counter; Prometheus' name gets {@code _total}. */
    Counter counter(String name, String description, String... tags) {
        return own(Counter.builder(name).tag("deployment", deploymentId).tags(tags).description(description)
                .register(registry));
    }

    <T> void gauge(String name, String description, String baseUnit, T owner, ToDoubleFunction<T> value) {
        own(Gauge.builder(name, owner, value).tag("deployment", deploymentId).description(description)
                .baseUnit(baseUnit).register(registry));
    }

    private <M extends Meter> M own(M meter) {
        meters.add(meter);
        return meter;
    }

    void removeAll() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Powers of two from 1 to {@code max}: bucket bounds for batch sizes and token counts. */
    static double[] powersOfTwo(int max) {
        return IntStream.iterate(1, n -> n <= max, n -> n * 2).asDoubleStream().toArray();
    }
}
