package dev.modelport.realmodel;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.testing.minilm.MiniLmRepo;
import dev.modelport.testing.minilm.OnnxReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throughput of all-MiniLM-L6-v2 sentence embeddings: our runtime (through the feature-extraction
 * pipeline, and the bare forward in float32 and bfloat16) against ONNX Runtime (float32) on the
 * original export, same inputs, same
 * process, timed iterations interleaved so that load from other processes hits every contender alike.
 * ONNX Runtime gets as many intra-op threads as libtorch has, and runs twice: with spinning idle threads
 * (its default) and with sleeping ones; ratios are against the faster. libtorch's idle threads follow
 * libgomp's {@code OMP_WAIT_POLICY}, which only the environment can set. A command, not a test:
 * {@code scripts/bench.sh minilm}
 * (prefix {@code OMP_WAIT_POLICY=PASSIVE} to let libtorch's threads sleep).
 */
@Tag("benchmark")
class MiniLmBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** all-MiniLM-L6-v2's shape, for the FLOP count. */
    private static final long HIDDEN = 384;
    private static final long INTERMEDIATE = 1536;
    private static final long LAYERS = 6;

    record Workload(int batch, int tokens, int warmUp, int iterations) {
    }

    /** @param ours whether it is our runtime; @param endToEnd tokenize+forward+pool, else the forward alone */
    record Contender(String name, boolean ours, boolean endToEnd, Supplier<Object> run) {
    }

    record Result(Workload workload, List<Contender> contenders, Map<String, Double> medianSeconds) {
        /** The fastest ONNX Runtime configuration at the same stage: the yardstick for a ratio. */
        double bestOrt(boolean endToEnd) {
            return contenders.stream().filter(c -> !c.ours() && c.endToEnd() == endToEnd)
                    .mapToDouble(c -> medianSeconds.get(c.name())).min().orElseThrow();
        }
    }

    @Test
    void oursAgainstOnnxRuntime() {
        Path repo = MiniLmRepo.folder();
        DjlModelRuntime runtime = new DjlModelRuntime(0);
        ModelSpec spec = runtime.inspect(repo.resolve("config.json"));
        List<Result> results = new ArrayList<>();
        int threads;
        try (LoadedModel model = runtime.load(repo, spec, new LoadOptions("cpu", "float32"));
             LoadedModel bfloat16 = runtime.load(repo, spec, new LoadOptions("cpu", "bfloat16"));
             Pipeline pipeline = new TaskPipelineFactory().create(model, repo, Task.FEATURE_EXTRACTION)) {
            threads = JniUtils.getNumThreads();
            // ONNX Runtime both with its default spinning threads and with sleeping ones; the faster sets the bar
            try (OnnxReference spin = new OnnxReference(repo.resolve("tokenizer.json"), threads, true);
                 OnnxReference sleep = new OnnxReference(repo.resolve("tokenizer.json"), threads, false)) {
                for (Workload w : List.of(new Workload(1, 16, 20, 100), new Workload(32, 128, 2, 10))) {
                    results.add(measure(w, (EncoderModel) model, (EncoderModel) bfloat16, pipeline, spin, sleep));
                }
            }
        }
        print(results, threads);
    }

    /** libgomp reads OMP_WAIT_POLICY once, at load; PASSIVE makes libtorch's idle threads sleep instead of spin. */
    private static boolean passiveOpenMp() {
        return "PASSIVE".equalsIgnoreCase(System.getenv("OMP_WAIT_POLICY"));
    }

    private static Result measure(Workload w, EncoderModel model, EncoderModel bfloat16, Pipeline pipeline, OnnxReference ort,
            OnnxReference ortSleeping) {
        List<String> texts = textsOfExactLength(ort, w.batch(), w.tokens());
        EncoderBatch batch = ort.tokenize(texts);
        assertEquals(w.tokens(), batch.sequenceLength(), "every row has exactly the workload's token count");
        ArrayNode inputs = JSON.createArrayNode();
        texts.forEach(inputs::add);

        // sanity: the contenders compute the same thing
        JsonNode ours = pipeline.run(inputs, null);
        float[] expected = ort.embed(List.of(texts.getFirst()))[0];
        float[] actual = new float[expected.length];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = (float) ours.get(0).get(i).asDouble();
        }
        assertTrue(OnnxReference.cosine(expected, actual) >= 0.9999);

        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("ours: pipeline (tokenize+forward+pool)", true, true, () -> pipeline.run(inputs, null)));
        contenders.add(new Contender("ours: EncoderModel.hiddenStates", true, false, () -> model.hiddenStates(batch)));
        if (bfloat16 != null) {
            contenders.add(new Contender("ours bfloat16: hiddenStates", true, false, () -> bfloat16.hiddenStates(batch)));
        }
        for (OnnxReference session : List.of(ort, ortSleeping)) {
            String label = session == ort ? "ORT spin" : "ORT sleep";
            contenders.add(new Contender(label + ": tokenize+forward+pool", false, true, () -> {
                EncoderBatch b = session.tokenize(texts);
                return OnnxReference.meanPoolNormalize(session.lastHiddenState(b), b.attentionMask());
            }));
            contenders.add(new Contender(label + ": session.run (hidden states)", false, false, () -> session.forward(batch)));
        }

        Map<String, double[]> seconds = new LinkedHashMap<>();
        contenders.forEach(c -> seconds.put(c.name(), new double[w.iterations()]));
        for (int i = 0; i < w.warmUp(); i++) {
            contenders.forEach(c -> c.run().get());
        }
        for (int i = 0; i < w.iterations(); i++) {
            for (int k = 0; k < contenders.size(); k++) {
                // rotate the order so no contender always runs right after the same neighbour
                Contender c = contenders.get((i + k) % contenders.size());
                long start = System.nanoTime();
                c.run().get();
                seconds.get(c.name())[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        seconds.forEach((n, s) -> medians.put(n, median(s)));
        return new Result(w, contenders, medians);
    }

    /**
     * Texts that tokenize to exactly {@code tokens} ids ([CLS] and [SEP] included), each different, built
     * from ordinary English words so the tokenizer does ordinary work.
     */
    static List<String> textsOfExactLength(OnnxReference ort, int count, int tokens) {
        String[] words = ("the committee agreed that every public library in the region should open on sunday "
                + "mornings because families often have more free time at the weekend while students need "
                + "quiet places to read and write before exams begin in early summer when the weather turns warm")
                .split(" ");
        List<String> texts = new ArrayList<>();
        for (int row = 0; row < count; row++) {
            StringBuilder text = new StringBuilder();
            for (int k = row; ort.encode(text.toString()).getIds().length < tokens; k++) {
                String word = words[(k * 7 + row) % words.length];
                String candidate = text.isEmpty() ? word : text + " " + word;
                if (ort.encode(candidate).getIds().length <= tokens) {
                    text.setLength(0);
                    text.append(candidate);
                }
            }
            texts.add(text.toString());
        }
        return texts;
    }

    /** GEMM FLOPs of one BERT forward: per layer 2·T·H·(4H+2I) for the projections and FFN, 2·2·T²·H for QKᵀ and AV. */
    static double gemmFlops(int batch, int tokens) {
        double t = tokens;
        double perLayer = 2 * t * HIDDEN * (4 * HIDDEN + 2 * INTERMEDIATE) + 2 * 2 * t * t * HIDDEN;
        return perLayer * LAYERS * batch;
    }

    private static void print(List<Result> results, int threads) {
        StringBuilder out = new StringBuilder();
        out.append("\nall-MiniLM-L6-v2 embeddings, CPU, ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores visible; libtorch intra-op threads = ONNX Runtime intra-op threads = ").append(threads)
                .append(" (inter-op 1); libtorch idle threads ")
                .append(passiveOpenMp() ? "sleep (OMP_WAIT_POLICY=PASSIVE)" : "spin (libgomp default)")
                .append("; ORT measured with spinning (its default) and sleeping threads, ratios against the faster")
                .append("; load average at the end ")
                .append(String.format("%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append("\n");
        out.append(String.format("%-8s %-42s %10s %9s %13s %12s%n", "workload", "contender", "median ms", "seq/s",
                "ours/bestORT", "GEMM GFLOP/s"));
        for (Result r : results) {
            Workload w = r.workload();
            String label = w.batch() + "x" + w.tokens();
            double flops = gemmFlops(w.batch(), w.tokens());
            for (Contender c : r.contenders()) {
                double s = r.medianSeconds().get(c.name());
                String ratio = c.ours() ? String.format("%.2fx", r.bestOrt(c.endToEnd()) / s) : "";
                out.append(String.format("%-8s %-42s %10.2f %9.1f %13s %12.1f%n", label, c.name(), s * 1e3, w.batch() / s,
                        ratio, flops / s / 1e9));
            }
            out.append(String.format("%-8s GEMM work per batch: %.2f GFLOP; %d timed iterations, median%n", label,
                    flops / 1e9, w.iterations()));
        }
        System.out.println(out);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
