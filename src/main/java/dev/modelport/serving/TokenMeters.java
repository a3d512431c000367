package dev.modelport.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A generating deployment's token meters, fed by {@link GenerationCall} as each token is shown:
 * tokens generated, time to a generation's first token (from its admission), and time between two
 * consecutive tokens of one generation.
 */
final class TokenMeters {
    private final Counter tokens;
    private final Timer firstToken;
    private final Timer interToken;

    TokenMeters(DeploymentMeters meters) {
        this.tokens = meters.counter("modelport.generated.tokens", "Tokens generated, whatever became of their generation");
        this.firstToken = meters.timer("modelport.time.to.first.token",
                "Time from a generation's admission to its first token", Duration.ofMillis(1), Duration.ofMinutes(1));
        this.interToken = meters.timer("modelport.inter.token.latency",
                "Time between two consecutive tokens of one generation", Duration.ofNanos(100_000), Duration.ofSeconds(10));
    }

    /** A token came {@code nanos} after admission (the generation's first) or after its previous token. */
    void token(boolean first, long nanos) {
        tokens.increment();
        (first ? firstToken : interToken).record(nanos, TimeUnit.NANOSECONDS);
    }
}
