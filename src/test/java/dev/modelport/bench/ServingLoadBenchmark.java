package dev.modelport.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelport.api.TestHub;
import dev.modelport.lifecycle.Components;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyTokenizer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Closed-loop HTTP load against a deployed MiniLM-shaped embedder (BERT, hidden 384, 6 layers, 12
 * heads, intermediate 1536, random weights, sentence-transformers mean pooling + Normalize) on
 * loopback: 1, 8, 32 and 128 clients, one text per request, with dynamic batching on
 * (MAX_BATCH_SIZE 16, MAX_BATCH_DELAY_MS 5) and off (max_batch_size 1); then the in-process
 * ceiling, pipeline.run on batches directly in the same JVM. Prints one table. A command, not a test:
 * {@code scripts/bench.sh load}; {@code BENCH_SECONDS=30 scripts/bench.sh load} for the 30 s per level
 * (default 10, to fit a shared 2-core machine).
 */
@Tag("benchmark")
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class ServingLoadBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] CLIENTS = {1, 8, 32, 128};
    private static final int BATCH = 16;
    private static final String REPO = "bench-org/minilm-shaped";

    @TestHTTPResource("/")
    URI base;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    @Inject
    Components components;
    @Inject
    MeterRegistry meters;

    /** Sentences of 6 to 20 known words (8 to 22 tokens with [CLS] and [SEP]), like short search queries. */
    private static final List<String> SENTENCES = sentences(512);

    private static List<String> sentences(int n) {
        Random r = new Random(7);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int words = 6 + r.nextInt(15);
            StringBuilder s = new StringBuilder();
            for (int w = 0; w < words; w++) {
                s.append(w == 0 ? "" : " ").append(TinyTokenizer.WORDS.get(r.nextInt(TinyTokenizer.WORDS.size())));
            }
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void loadTable() throws Exception {
        Duration measure = Duration.ofSeconds(setting("BENCH_SECONDS", 10));
        Duration warmUp = Duration.ofSeconds(setting("BENCH_WARMUP_SECONDS", 2));
        Path repo = Path.of(hubRoot).resolve(REPO);
        writeRepo(repo);
        String base = this.base.toString().replace("//localhost:", "//127.0.0.1:").replaceAll("/$", "");
        deploy(base, Map.of("model_id", REPO, "deployment_id", "load-batched", "max_batch_size", BATCH, "max_batch_delay_ms", 5));
        deploy(base, Map.of("model_id", REPO, "deployment_id", "load-single", "max_batch_size", 1));

        LoadGenerator load = new LoadGenerator();
        List<String> rows = new ArrayList<>();
        Map<String, Double> rps = new java.util.HashMap<>();
        // modes alternate at each level, so that a neighbour's load on a shared machine hits both alike
        for (int clients : CLIENTS) {
            for (String id : List.of("load-batched", "load-single")) {
                URI url = URI.create(base + "/api/v1/deployments/" + id + "/inference");
                DistributionSummary passes = meters.find("modelport.batch.size").tag("deployment", id).summary();
                double textsBefore = passes.totalAmount();
                long passesBefore = passes.count();
                long cpuBefore = cpuNanos();
                LoadGenerator.Level l = load.run(url, clients, warmUp, measure,
                        i -> "{\"inputs\": " + quote(SENTENCES.get(i % SENTENCES.size())) + "}");
                double cpuMsPerRequest = (cpuNanos() - cpuBefore) / 1e6 / Math.max(1, l.requests());
                double textsPerPass = (passes.totalAmount() - textsBefore) / Math.max(1, passes.count() - passesBefore);
                rps.put(id + "/" + clients, l.perSecond());
                rows.add(String.format("| %-12s | %7d | %10.1f | %8.1f | %8.1f | %6d | %11.1f | %10.1f | %6d |%s",
                        id.equals("load-batched") ? "batching on" : "batching off", clients, l.perSecond(), l.p50Ms(), l.p99Ms(),
                        l.errors(), textsPerPass, cpuMsPerRequest, rssMb(), l.firstError() == null ? "" : " first error: " + l.firstError()));
                System.out.println(rows.getLast());
            }
        }

        // the ceiling: the same model's pipeline called directly, one batch after another, no HTTP or queue
        LoadedModel model = components.runtime().load(repo, components.runtime().inspect(repo.resolve("config.json")),
                new LoadOptions("cpu", "float32"));
        List<String> ceiling = new ArrayList<>();
        Map<Integer, Double> inProcess = new java.util.HashMap<>();
        try (Pipeline pipeline = components.pipelines().create(model, repo, Task.FEATURE_EXTRACTION)) {
            for (int batch : new int[] {1, BATCH}) {
                double textsPerSecond = inProcess(pipeline, batch, warmUp, measure);
                inProcess.put(batch, textsPerSecond);
                ceiling.add(String.format("| in-process batch %-2d | %10.1f texts/s | %7.1f CPU ms/text | %6d MB RSS |", batch,
                        textsPerSecond, lastCpuMsPerText, rssMb()));
            }
        } finally {
            model.close();
        }

        System.out.println();
        System.out.printf("Serving load benchmark: %s, %d s per level after %d s warm-up, %d cores, one text per request%n",
                "MiniLM-shaped BERT (384/6/12/1536)", measure.toSeconds(), warmUp.toSeconds(), Runtime.getRuntime().availableProcessors());
        System.out.println("| mode         | clients | requests/s | p50 (ms) | p99 (ms) | errors | texts/pass | CPU ms/req | RSS MB |");
        System.out.println("|--------------|---------|------------|----------|----------|--------|------------|------------|--------|");
        rows.forEach(System.out::println);
        System.out.println();
        ceiling.forEach(System.out::println);
        double on32 = rps.get("load-batched/32");
        double off32 = rps.get("load-single/32");
        System.out.printf("%nAt 32 clients: batching on / off = %.2fx (target >= 2x)%n", on32 / off32);
        System.out.printf("HTTP + queueing overhead at 32 clients vs in-process batch %d: %.1f %% (target <= 15 %%)%n",
                BATCH, 100 * (1 - on32 / inProcess.get(BATCH)));
    }

    /** Surefire forks the JVM with Maven's environment, so settings travel as environment variables. */
    private static long setting(String env, long fallback) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim());
    }

    private static double lastCpuMsPerText;

    private static double inProcess(Pipeline pipeline, int batch, Duration warmUp, Duration measure) {
        long cpuFrom = -1;
        long firstCounted = 0;
        int i = 0;
        long texts = 0;
        long start = System.nanoTime();
        long countFrom = start + warmUp.toNanos();
        long end = countFrom + measure.toNanos();
        long counted = 0;
        while (System.nanoTime() < end) {
            ArrayNode inputs = JsonNodeFactory.instance.arrayNode();
            for (int b = 0; b < batch; b++) {
                inputs.add(SENTENCES.get(i++ % SENTENCES.size()));
            }
            long t0 = System.nanoTime();
            if (t0 >= countFrom && cpuFrom < 0) {
                cpuFrom = cpuNanos();
                firstCounted = t0;
            }
            pipeline.run(inputs, null);
            if (t0 >= countFrom) {
                texts += batch;
                counted = System.nanoTime();
            }
        }
        lastCpuMsPerText = (cpuNanos() - cpuFrom) / 1e6 / Math.max(1, texts);
        return texts / ((counted - firstCounted) / 1e9);
    }

    private static void writeRepo(Path dir) throws IOException {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).size(384, 6, 12, 1536).pipelineTag("feature-extraction").write(dir);
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 384, "pooling_mode_mean_tokens": true}""");
    }

    private static void deploy(String base, Map<String, Object> body) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String id = (String) body.get("deployment_id");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/deploy"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < end) {
            JsonNode d = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/deployments/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String status = d.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (List.of("failed", "cancelled", "stopped").contains(status)) {
                throw new AssertionError("deployment " + id + " ended " + d);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("deployment " + id + " not completed in 3 minutes");
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CPU time of this whole JVM (service and load generator), which other tenants of the machine do not inflate. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Resident memory of this JVM (the service runs in it), from /proc. */
    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
