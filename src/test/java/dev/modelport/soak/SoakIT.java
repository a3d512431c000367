package dev.modelport.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.it.ServiceProcess;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak run: the packaged service as a real process, steady deployments of three tasks (text
 * classification, embeddings, text generation) under {@code SOAK_CLIENTS} closed-loop clients for
 * {@code SOAK_SECONDS}, while another deployment is deployed, served and undeployed over and over.
 * Fails on any error (a non-2xx answer other than the churn deployment's expected 404/409, a
 * connection error, a churn deployment that does not complete) and on RSS growth beyond
 * {@code SOAK_RSS_TOLERANCE_MB} between the first and the last window. Prints its table and writes
 * it to target/soak/report.txt. Knobs: {@link SoakSettings}.
 */
@Tag("soak")
class SoakIT {
    private static final String SENTIMENT = "soak-org/tiny-bert-sentiment";
    private static final String EMBEDDINGS = "soak-org/tiny-bert-embeddings";
    private static final String GENERATOR = "soak-org/tiny-qwen2-generator";
    private static final List<String> CHURN_MODELS = List.of("soak-org/tiny-bert-ner", "soak-org/tiny-distilbert-sentiment");

    @TempDir
    Path dir;

    @Test
    void serviceStaysErrorFreeAndFlatUnderLoadWithDeploysAndUndeploys() throws Exception {
        SoakSettings settings = SoakSettings.fromEnvironment();
        Path hubRoot = dir.resolve("hub");
        TinyCheckpoints.bert(hubRoot.resolve(SENTIMENT), Head.SEQUENCE_CLASSIFICATION);
        TinyCheckpoints.bert(hubRoot.resolve(EMBEDDINGS), Head.BASE);
        TinyDecoders.llama(hubRoot.resolve(GENERATOR), TinyDecoders.Family.QWEN2, 2, 32, 4, 2, 48, true, null, 1, 5);
        TinyCheckpoints.bert(hubRoot.resolve(CHURN_MODELS.get(0)), Head.TOKEN_CLASSIFICATION);
        TinyCheckpoints.distilbert(hubRoot.resolve(CHURN_MODELS.get(1)), Head.SEQUENCE_CLASSIFICATION);

        try (FakeHub hub = FakeHub.start(hubRoot).lfsThreshold(10_000)) {
            ServiceProcess service = ServiceProcess.start(dir, Map.of("HF_ENDPOINT", hub.url()), settings.jvmOptions());
            try {
                for (String[] d : new String[][] {{SENTIMENT, "sentiment"}, {EMBEDDINGS, "embeddings"}, {GENERATOR, "generator"}}) {
                    service.deploy(d[0], d[1]);
                    JsonNode ended = service.awaitEnded(d[1]);
                    assertEquals("completed", ended.path("status").asText(), ended + "\n" + service.tail());
                }
                Run run = new Run(service, settings);
                run.execute();
                String report = run.report();
                System.out.println(report);
                Files.createDirectories(Path.of("target/soak"));
                Files.writeString(Path.of("target/soak/report.txt"), report);

                assertTrue(service.isAlive(), "the service is alive");
                assertEquals(200, service.get("/q/health/ready").statusCode(), "and ready");
                assertEquals(0, run.errors(), "errors in the soak run; see its report above (target/soak/report.txt)");
                assertTrue(run.rssGrowthBytes() <= settings.rssToleranceMb() << 20, "RSS grew by more than SOAK_RSS_TOLERANCE_MB="
                        + settings.rssToleranceMb() + "; see the soak report above (target/soak/report.txt)");
            } finally {
                service.close();
            }
        }
    }

    /** One soak run's clients, churn loop and RSS sampler, and their results. */
    private static final class Run {
        private final ServiceProcess service;
        private final SoakSettings settings;
        private final Map<SoakRequest, LatencyTally> tallies = new EnumMap<>(SoakRequest.class);
        private final LatencyTally deployCycles = new LatencyTally();
        private final RssTrend rss = new RssTrend();
        private final AtomicLong sequence = new AtomicLong();
        private long measureFrom;
        private long end;

        Run(ServiceProcess service, SoakSettings settings) {
            this.service = service;
            this.settings = settings;
            for (SoakRequest r : SoakRequest.values()) {
                tallies.put(r, new LatencyTally());
            }
        }

        void execute() throws InterruptedException {
            long start = System.nanoTime();
            measureFrom = start + settings.warmUp().toNanos();
            end = measureFrom + settings.duration().toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < settings.clients(); c++) {
                int client = c;
                threads.add(Thread.ofVirtual().name("soak-client-" + c).start(() -> client(client)));
            }
            threads.add(Thread.ofVirtual().name("soak-churn").start(this::churn));
            threads.add(Thread.ofVirtual().name("soak-rss").start(this::sampleRss));
            for (Thread t : threads) {
                t.join();
            }
        }

        private void client(int client) {
            SoakRequest[] kinds = SoakRequest.values();
            for (int n = client; System.nanoTime() < end; n++) {
                SoakRequest kind = kinds[n % kinds.length];
                LatencyTally tally = tallies.get(kind);
                long t0 = System.nanoTime();
                try {
                    HttpResponse<String> r = service.post(kind.path, kind.body(sequence.incrementAndGet()));
                    long latency = System.nanoTime() - t0;
                    if (r.statusCode() / 100 != 2 && !kind.expectedRefusals.contains(r.statusCode())) {
                        tally.error(r.statusCode() + " " + r.body());
                    } else if (t0 >= measureFrom) {
                        if (r.statusCode() / 100 == 2) {
                            tally.answered(latency);
                        } else {
                            tally.expected();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    tally.error(e.toString());
                }
            }
        }

        /** Deploys a churn model, lets it serve, undeploys it; again with the other model, until the end. */
        private void churn() {
            for (int cycle = 0; System.nanoTime() < end; cycle++) {
                String model = CHURN_MODELS.get(cycle % CHURN_MODELS.size());
                long t0 = System.nanoTime();
                try {
                    service.deploy(model, "churn");
                    JsonNode d = service.awaitEnded("churn");
                    if (!d.path("status").asText().equals("completed")) {
                        deployCycles.error("churn deployment of " + model + " ended " + d);
                    } else {
                        deployCycles.answered(System.nanoTime() - t0);
                    }
                    sleepUntil(Math.min(end, System.nanoTime() + settings.churnServe().toNanos()));
                    HttpResponse<String> r = service.delete("/api/v1/deployments/churn");
                    if (r.statusCode() != 200) {
                        deployCycles.error("undeploy answered " + r.statusCode() + " " + r.body());
                    }
                    sleepUntil(Math.min(end, System.nanoTime() + 1_000_000_000L));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception | AssertionError e) {
                    deployCycles.error(e.toString());
                }
            }
        }

        private void sampleRss() {
            sleepUntil(measureFrom);
            for (long next = measureFrom; next <= end; next += settings.rssEvery().toNanos()) {
                sleepUntil(next);
                if (service.isAlive()) {
                    rss.add((System.nanoTime() - measureFrom) / 1e9, service.rssBytes());
                }
            }
        }

        private static void sleepUntil(long nanoTime) {
            long ms = (nanoTime - System.nanoTime()) / 1_000_000;
            if (ms > 0) {
                ServiceProcess.sleep(ms);
            }
        }

        long errors() {
            return tallies.values().stream().mapToLong(t -> t.summary().errors()).sum() + deployCycles.summary().errors();
        }

        long rssGrowthBytes() {
            double seconds = settings.duration().toSeconds();
            double w = settings.windowSeconds();
            return rss.medianBetween(seconds - w, seconds + 1) - rss.medianBetween(0, w);
        }

        String report() {
            double seconds = settings.duration().toSeconds();
            StringBuilder out = new StringBuilder();
            out.append(String.format("Soak run: %d clients, %d s measured after a %d s warm-up, service JVM %s%n",
                    settings.clients(), settings.duration().toSeconds(), settings.warmUp().toSeconds(), settings.jvmOptions()));
            out.append(String.format("%-16s %9s %9s %8s %7s %9s %9s %9s %9s %8s%n", "request", "requests", "answered",
                    "expected", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s"));
            long total = 0;
            long errors = 0;
            List<String> firstErrors = new ArrayList<>();
            for (Map.Entry<SoakRequest, LatencyTally> e : tallies.entrySet()) {
                LatencyTally.Summary s = e.getValue().summary();
                out.append(row(e.getKey().name().toLowerCase(), s, s.answered() / seconds));
                total += s.requests();
                errors += s.errors();
                if (s.firstError() != null) {
                    firstErrors.add(e.getKey() + ": " + s.firstError());
                }
            }
            LatencyTally.Summary cycles = deployCycles.summary();
            out.append(row("deploy (churn)", cycles, cycles.answered() / seconds));
            if (cycles.firstError() != null) {
                firstErrors.add("deploy: " + cycles.firstError());
            }
            out.append(String.format("total: %d requests (%.1f/s), %d errors, %d churn deploy/undeploy cycles%n",
                    total, total / seconds, errors + cycles.errors(), cycles.requests()));
            firstErrors.forEach(e -> out.append("first error of ").append(e).append('\n'));

            double w = settings.windowSeconds();
            long first = rss.medianBetween(0, w);
            long last = rss.medianBetween(seconds - w, seconds + 1);
            out.append(String.format(
                    "RSS (%d samples every %d s): first %.0f s median %.1f MB, last %.0f s median %.1f MB, growth %+.1f MB"
                            + " (tolerance %d MB), slope %+.2f MB/min, max %.1f MB%n",
                    rss.samples().size(), settings.rssEvery().toSeconds(), w, mb(first), w, mb(last), mb(last - first),
                    settings.rssToleranceMb(), rss.slopeBytesPerMinute() / (1 << 20), mb(rss.max())));
            out.append("RSS trend (s: MB):");
            List<RssTrend.Sample> samples = rss.samples();
            int step = Math.max(1, samples.size() / 20);
            for (int i = 0; i < samples.size(); i += step) {
                out.append(String.format(" %.0f:%.0f", samples.get(i).seconds(), mb(samples.get(i).bytes())));
            }
            return out.append('\n').toString();
        }

        private static String row(String name, LatencyTally.Summary s, double perSecond) {
            return String.format("%-16s %9d %9d %8d %7d %9.1f %9.1f %9.1f %9.1f %8.1f%n", name, s.requests(), s.answered(),
                    s.expected(), s.errors(), s.p50Ms(), s.p90Ms(), s.p99Ms(), s.maxMs(), perSecond);
        }

        private static double mb(long bytes) {
            return bytes / (double) (1 << 20);
        }
    }
}
