package dev.modelport.bench;

import ai.djl.pytorch.jni.JniUtils;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.MemoryProbe;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.minilm.MiniLmRepo;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime v2 (one TorchScript program per architecture) against the runtime it replaced (DJL
 * NDArray operations, float32 only; {@link BaselineRuntime}), in one process on the same engine:
 * encoder forward passes at 1x16 and 32x128 tokens, decode steps of 1 and 8 sequences, and the
 * resident memory of a bfloat16 checkpoint. Every variant is loaded once; the rounds interleave
 * the variants and each figure is the median over rounds (these machines are shared). Prints a
 * table of ratios against the old float32 path and against v2's own float32. A command, not a
 * test: {@code scripts/bench.sh runtime} (it builds the baseline first; {@code BENCH_ROUNDS} sets
 * the rounds, default 3).
 */
@Tag("benchmark")
class RuntimeComparisonBenchmark {

    private static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    /** encoders, decoders or memory to run one part; all by default. */
    private static final String ONLY = System.getenv().getOrDefault("BENCH_ONLY", "all");
    private static final int PROMPT_TOKENS = 16;
    private static final int DECODE_STEPS = 16;

    @TempDir
    Path dir;

    private final DjlModelRuntime v2 = new DjlModelRuntime(0);
    private final List<String> table = new ArrayList<>();

    /** A variant's call, timed; {@code ms} per call or tokens/s depending on the workload. */
    private interface Call {
        void run();
    }

    @Test
    void runtimeV2AgainstTheNdArrayRuntime() throws Exception {
        Path baseline = Path.of(System.getProperty("bench.baseline", "target/bench-baseline/target/classes"));
        try (BaselineRuntime today = new BaselineRuntime(baseline, 0)) {
            if (ONLY.equals("all") || ONLY.equals("encoders")) {
                encoders(today);
            }
            if (ONLY.equals("all") || ONLY.equals("decoders")) {
                decoders(today);
            }
        }
        if (ONLY.equals("all") || ONLY.equals("memory")) {
            memory();
        }
        System.out.printf("%nRuntime v2 against the NDArray runtime (commit %s), CPU, %d cores, libtorch intra-op threads %d,"
                + " medians of %d interleaved rounds, load average %.1f at the end%n", BaselineRuntime.COMMIT,
                Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(), ROUNDS,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        table.forEach(System.out::println);
    }

    private void encoders(BaselineRuntime today) {
        encoder(today, "BERT (all-MiniLM-L6-v2, real weights, F32)", MiniLmRepo.folder(), 30, 2);
        Path distil = dir.resolve("distilbert");
        TinyCheckpoints.builder(Family.DISTILBERT, Head.BASE).size(768, 6, 12, 3072).write(distil);
        encoder(today, "DistilBERT-base shape (random, F32)", distil, 20, 1);
        Path roberta = dir.resolve("roberta");
        TinyCheckpoints.builder(Family.ROBERTA, Head.BASE).size(384, 6, 12, 1536).write(roberta);
        encoder(today, "RoBERTa, MiniLM-sized (random, F32)", roberta, 30, 2);
    }

    private void decoders(BaselineRuntime today) {
        Path gpt2 = dir.resolve("gpt2");
        TinyDecoders.gpt2(gpt2, 12, 768, 12, 1024, 42, true);
        decoder(today, "GPT-2-small shape (124M, vocab 50257, F32 file)", gpt2, 464);
        decoder(today, "Llama shape (12 x 1024, GQA 16/4, BF16 file)", llama(), 20);
    }

    /** The Llama-shaped bfloat16 checkpoint, written once. */
    private Path llama() {
        Path llama = dir.resolve("llama");
        if (!Files.exists(llama.resolve("model.safetensors"))) {
            TinyDecoders.llama(llama, TinyDecoders.Family.LLAMA, 12, 1024, 16, 4, 2816, false, null, 1, 5, DType.BF16);
        }
        return llama;
    }

    private void encoder(BaselineRuntime today, String name, Path repo, int smallIterations, int largeIterations) {
        int vocab;
        Map<String, EncoderModel> ours = new LinkedHashMap<>();
        try (BaselineRuntime.Model old = today.load(repo)) {
            for (String dtype : List.of("float32", "bfloat16", "int8")) {
                ours.put(dtype, (EncoderModel) v2.load(repo, v2.inspect(repo.resolve("config.json")), new LoadOptions("cpu", dtype)));
            }
            vocab = ours.get("float32").spec().facts().vocabSize();
            header(name, "ms per forward pass (last hidden state into Java)");
            for (int[] w : new int[][] {{1, 16, smallIterations}, {32, 128, largeIterations}}) {
                EncoderBatch batch = batch(w[0], w[1], vocab);
                Map<String, Call> calls = new LinkedHashMap<>();
                calls.put("today float32", () -> old.hiddenStates(batch.inputIds(), batch.attentionMask()));
                ours.forEach((dtype, model) -> calls.put("v2 " + dtype, () -> model.hiddenStates(batch)));
                Map<String, Double> ms = timeMs(calls, w[2]);
                double base = ms.get("today float32");
                row(w[0] + "x" + w[1], ms, "%.1f", base / ms.get("v2 float32"), base / ms.get("v2 bfloat16"),
                        ms.get("v2 float32") / ms.get("v2 bfloat16"), base / ms.get("v2 int8"));
            }
        } finally {
            ours.values().forEach(LoadedModel::close);
        }
    }

    private void decoder(BaselineRuntime today, String name, Path repo, long token) {
        Map<String, DecoderModel> ours = new LinkedHashMap<>();
        long[] prompt = new long[PROMPT_TOKENS];
        Arrays.fill(prompt, token);
        try (BaselineRuntime.Model old = today.load(repo)) {
            for (String dtype : List.of("float32", "bfloat16", "int8")) {
                ours.put(dtype, (DecoderModel) v2.load(repo, v2.inspect(repo.resolve("config.json")), new LoadOptions("cpu", dtype)));
            }
            header(name, "decode tokens/s after a " + PROMPT_TOKENS + "-token prompt (" + DECODE_STEPS + " steps per round)");
            for (int rows : new int[] {1, 8}) {
                long[] tokens = new long[rows];
                Arrays.fill(tokens, token);
                Map<String, Call> calls = new LinkedHashMap<>();
                calls.put("today float32", () -> {
                    try (BaselineRuntime.Decoding d = old.decoding(prompt, rows)) {
                        stepsOf(() -> d.step(tokens));
                    }
                });
                ours.forEach((dtype, model) -> calls.put("v2 " + dtype, () -> {
                    DecoderCache[] caches = new DecoderCache[rows];
                    try {
                        for (int i = 0; i < rows; i++) {
                            caches[i] = model.newCache();
                            model.nextLogits(caches[i], prompt);
                        }
                        stepsOf(() -> model.nextLogitsRows(caches, tokens));
                    } finally {
                        Arrays.stream(caches).filter(c -> c != null).forEach(DecoderCache::close);
                    }
                }));
                // the prefill is not timed: each call reports its decode steps alone
                Map<String, Double> tokensPerSecond = new LinkedHashMap<>();
                timeMs(calls, 1).forEach((k, v) -> tokensPerSecond.put(k, rows * DECODE_STEPS / (v / 1e3)));
                double base = tokensPerSecond.get("today float32");
                row("batch " + rows, tokensPerSecond, "%.1f", tokensPerSecond.get("v2 float32") / base,
                        tokensPerSecond.get("v2 bfloat16") / base,
                        tokensPerSecond.get("v2 bfloat16") / tokensPerSecond.get("v2 float32"),
                        tokensPerSecond.get("v2 int8") / base);
            }
        } finally {
            ours.values().forEach(LoadedModel::close);
        }
    }

    /** Decode steps only: the time of the prefill before them is left out by the caller's clock. */
    private static final ThreadLocal<Long> STEP_NANOS = new ThreadLocal<>();

    private static void stepsOf(Runnable step) {
        step.run(); // the first step after a prefill also grows the cache: not timed
        long start = System.nanoTime();
        for (int s = 0; s < DECODE_STEPS; s++) {
            step.run();
        }
        STEP_NANOS.set(System.nanoTime() - start);
    }

    private void memory() throws Exception {
        Path llama = llama();
        Path warmUp = dir.resolve("warm-up");
        TinyDecoders.llama(warmUp, TinyDecoders.Family.LLAMA, 1, 32, 4, 2, 48, false, null, 1, 3, DType.BF16);
        long file = Files.size(llama.resolve("model.safetensors"));
        table.add("");
        table.add("Resident memory of the Llama-shaped bfloat16 checkpoint (" + file / (1 << 20)
                + " MB file), loaded alone in a fresh JVM after a tiny model (target: bfloat16 <= 1.15x the file)");
        table.add("| dtype | resident MB | x file |");
        table.add("|---|---|---|");
        for (String dtype : List.of("bfloat16", "float32")) {
            Map<String, Long> probe = MemoryProbe.run("resident", llama, dtype, warmUp.toString());
            long rss = probe.get("rss.loaded") - probe.get("rss.before");
            table.add(String.format("| %s | %d | %.2fx |", dtype, rss >> 20, (double) rss / file));
        }
    }

    /**
     * Each call {@code iterations} times per round, the variants interleaved round by round (and
     * rotated within a round); the median over rounds of each variant's mean ms per call. Calls that
     * time their own steps (decoders) report those.
     */
    private static Map<String, Double> timeMs(Map<String, Call> calls, int iterations) {
        List<String> names = new ArrayList<>(calls.keySet());
        calls.values().forEach(Call::run); // warm-up
        Map<String, double[]> rounds = new LinkedHashMap<>();
        names.forEach(n -> rounds.put(n, new double[ROUNDS]));
        for (int r = 0; r < ROUNDS; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((r + k) % names.size());
                long total = 0;
                for (int i = 0; i < iterations; i++) {
                    STEP_NANOS.remove();
                    long start = System.nanoTime();
                    calls.get(name).run();
                    Long steps = STEP_NANOS.get();
                    total += steps != null ? steps : System.nanoTime() - start;
                }
                rounds.get(name)[r] = total / 1e6 / iterations;
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        rounds.forEach((n, v) -> {
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            medians.put(n, sorted[sorted.length / 2]);
        });
        return medians;
    }

    private void header(String model, String unit) {
        table.add("");
        table.add(model + ": " + unit);
        table.add("| workload | today float32 | v2 float32 | v2 bfloat16 | v2 int8 | v2 float32 / today | v2 bfloat16 / today"
                + " | v2 bfloat16 / v2 float32 | v2 int8 / today |");
        table.add("|---|---|---|---|---|---|---|---|---|");
    }

    /** Ratios are speed-ups: above 1 means faster than what it is compared with. */
    private void row(String workload, Map<String, Double> values, String format, double f32, double bf16, double bf16VsF32,
            double int8) {
        table.add(String.format("| %s | " + format + " | " + format + " | " + format + " | " + format
                        + " | %.2fx | %.2fx | %.2fx | %.2fx |", workload, values.get("today float32"), values.get("v2 float32"),
                values.get("v2 bfloat16"), values.get("v2 int8"), f32, bf16, bf16VsF32, int8));
    }

    /** Random ids past the special tokens, every position real. */
    private static EncoderBatch batch(int rows, int tokens, int vocab) {
        Random rng = new Random(rows * 1000L + tokens);
        long[][] ids = new long[rows][tokens];
        long[][] mask = new long[rows][tokens];
        for (int b = 0; b < rows; b++) {
            for (int t = 0; t < tokens; t++) {
                ids[b][t] = 5 + rng.nextInt(Math.min(vocab, 30000) - 5);
                mask[b][t] = 1;
            }
        }
        return new EncoderBatch(ids, mask, null);
    }
}
