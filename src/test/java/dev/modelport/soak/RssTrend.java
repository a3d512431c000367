package dev.modelport.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resident-memory samples of the service over the run, and what they say: the median of the first
 * and of the last window, the growth between them, and the least-squares slope over the whole run.
 */
final class RssTrend {
    record Sample(double seconds, long bytes) {
    }

    private final List<Sample> samples = new ArrayList<>();

    synchronized void add(double seconds, long bytes) {
        samples.add(new Sample(seconds, bytes));
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Median RSS of the samples in [from, to) seconds. */
    synchronized long medianBetween(double from, double to) {
        long[] in = samples.stream().filter(s -> s.seconds() >= from && s.seconds() < to).mapToLong(Sample::bytes).toArray();
        if (in.length == 0) {
            throw new IllegalStateException("no RSS sample between " + from + " s and " + to + " s");
        }
        Arrays.sort(in);
        return in.length % 2 == 1 ? in[in.length / 2] : (in[in.length / 2 - 1] + in[in.length / 2]) / 2;
    }

    /** Least-squares slope of RSS over time, in bytes per minute. */
    synchronized double slopeBytesPerMinute() {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mt = samples.stream().mapToDouble(Sample::seconds).average().orElse(0);
        double mb = samples.stream().mapToDouble(Sample::bytes).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample s : samples) {
            num += (s.seconds() - mt) * (s.bytes() - mb);
            den += (s.seconds() - mt) * (s.seconds() - mt);
        }
        return den == 0 ? 0 : num / den * 60;
    }

    synchronized long max() {
        return samples.stream().mapToLong(Sample::bytes).max().orElse(0);
    }
}
