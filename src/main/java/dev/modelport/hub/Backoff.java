package dev.modelport.hub;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** When to try again: exponential backoff for failures, the server's {@code Retry-After} for 429/503. */
final class Backoff {
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration CAP = Duration.ofSeconds(8);
    private static final Duration RETRY_AFTER_CAP = Duration.ofMinutes(5);

    private Backoff() {
    }

    /** 0.5 s, 1 s, 2 s, ... up to 8 s, for the n-th consecutive failure (n from 1). */
    static Duration delay(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 10);
        Duration d = BASE.multipliedBy(1L << shift);
        return d.compareTo(CAP) > 0 ? CAP : d;
    }

    static boolean retryable(int status) {
        return status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /** The server's Retry-After (seconds or an HTTP date) where given, else {@link #delay}. */
    static Duration delay(int failures, HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null) {
            return delay(failures);
        }
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notDate) {
                return delay(failures);
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : d;
    }
}
