package dev.modelport.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A closed-loop HTTP load generator: N clients on virtual threads, each sending its next request
 * as soon as the previous answer arrives, over one shared java.net.http client (HTTP/1.1, one
 * connection per client in flight). Requests before the warm-up ends are not counted.
 */
final class LoadGenerator {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** What one level measured; latencies in milliseconds. */
    record Level(int clients, long requests, long errors, double seconds, double p50Ms, double p99Ms, String firstError) {
        double perSecond() {
            return requests / seconds;
        }
    }

    /**
     * @param body the JSON body of request number i
     */
    Level run(URI url, int clients, Duration warmUp, Duration measure, IntFunction<String> body) throws InterruptedException {
        long start = System.nanoTime();
        long countFrom = start + warmUp.toNanos();
        long end = countFrom + measure.toNanos();
        AtomicLong sequence = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        String[] firstError = new String[1];
        List<long[]> perClient = new ArrayList<>();
        long[] counts = new long[clients];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                long[] latencies = new long[4096];
                perClient.add(latencies);
                pool.submit(() -> {
                    long[] own = latencies;
                    int n = 0;
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.apply((int) sequence.getAndIncrement()))).build();
                        boolean ok;
                        String problem = null;
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            ok = r.statusCode() == 200;
                            if (!ok) {
                                problem = r.statusCode() + " " + r.body();
                            }
                        } catch (Exception e) {
                            ok = false;
                            problem = e.toString();
                        }
                        long t1 = System.nanoTime();
                        if (t0 < countFrom || t1 > end) {
                            continue; // warm-up, or finished after the window closed
                        }
                        if (!ok) {
                            errors.incrementAndGet();
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = problem;
                                }
                            }
                            continue;
                        }
                        if (n == own.length) {
                            own = Arrays.copyOf(own, n * 2);
                            perClient.set(client, own);
                        }
                        own[n++] = t1 - t0;
                        counts[client] = n;
                    }
                    return null;
                });
            }
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(perClient.get(c), 0, all, at, (int) counts[c]);
            at += (int) counts[c];
        }
        Arrays.sort(all);
        return new Level(clients, total, errors.get(), measure.toNanos() / 1e9, percentile(all, 0.50), percentile(all, 0.99),
                firstError[0]);
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
