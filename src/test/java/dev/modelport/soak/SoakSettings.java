package dev.modelport.soak;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The soak run's knobs, from the environment (scripts/soak.sh passes them through; README lists them).
 *
 * @param clients          SOAK_CLIENTS, concurrent closed-loop clients (32)
 * @param duration         SOAK_SECONDS, the measured run after the warm-up (600)
 * @param warmUp           SOAK_WARMUP_SECONDS, load before measuring: errors count, latencies and RSS do not (20)
 * @param rssEvery         SOAK_RSS_INTERVAL_SECONDS, how often /proc/PID/status is read (2)
 * @param rssToleranceMb   SOAK_RSS_TOLERANCE_MB, most the last window's median RSS may exceed the first's (64)
 * @param churnServe       SOAK_CHURN_SERVE_SECONDS, how long each churn deployment serves before its undeploy (5)
 * @param jvmOptions       SOAK_JVM_OPTS, the service's JVM options; a fixed, pre-touched heap by default, so
 *                         RSS growth means native or off-heap growth, not the heap sizing itself
 */
record SoakSettings(int clients, Duration duration, Duration warmUp, Duration rssEvery, long rssToleranceMb,
                    Duration churnServe, List<String> jvmOptions) {

    static SoakSettings fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new SoakSettings(
                Integer.parseInt(env.getOrDefault("SOAK_CLIENTS", "32")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("SOAK_SECONDS", "600"))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("SOAK_WARMUP_SECONDS", "20"))),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("SOAK_RSS_INTERVAL_SECONDS", "2"))),
                Long.parseLong(env.getOrDefault("SOAK_RSS_TOLERANCE_MB", "64")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("SOAK_CHURN_SERVE_SECONDS", "5"))),
                Arrays.stream(env.getOrDefault("SOAK_JVM_OPTS", "-Xms512m -Xmx512m -XX:+AlwaysPreTouch").trim().split("\\s+"))
                        .filter(s -> !s.isEmpty()).toList());
    }

    /** The RSS comparison windows: the first and the last minute, or a third of a shorter run each. */
    double windowSeconds() {
        return Math.min(60, duration.toSeconds() / 3.0);
    }
}
