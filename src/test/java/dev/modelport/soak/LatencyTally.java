package dev.modelport.soak;

import java.util.Arrays;

/** Outcomes of one kind of request: answered, expected refusals, errors, and the answered latencies. */
final class LatencyTally {
    private long[] nanos = new long[1024];
    private int count;
    private long expected;
    private long errors;
    private String firstError;

    synchronized void answered(long latencyNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = latencyNanos;
    }

    synchronized void expected() {
        expected++;
    }

    synchronized void error(String why) {
        errors++;
        if (firstError == null) {
            firstError = why;
        }
    }

    /** The counts and percentiles so far. */
    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        return new Summary(count, expected, errors, firstError, percentileMs(sorted, 50), percentileMs(sorted, 90),
                percentileMs(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    record Summary(long answered, long expected, long errors, String firstError, double p50Ms, double p90Ms,
                   double p99Ms, double maxMs) {
        long requests() {
            return answered + expected + errors;
        }
    }

    /** Nearest-rank percentile, in milliseconds. */
    static double percentileMs(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
