package dev.modelport.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.testing.models.SafetensorsWriter;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode speed of the decoder architectures at one small realistic shape (hidden 1024, 8 layers,
 * 16 query heads of 64 / 8 key-value heads, intermediate 2816, vocabulary 32000, tied embeddings;
 * random weights stored in bfloat16), each in float32 and bfloat16: tokens/s of decode steps after a
 * 16-token prompt, 1 and 8 sequences. Llama at the same shape is the reference row; the others add
 * their own work (Qwen3 and Gemma 3: q/k norms; Gemma 2: soft-capped attention computed explicitly
 * and four norms a layer; Phi-3: fused projections). Each architecture's checkpoint is written from
 * its own tensor plan (every tensor the program takes, with its shape). The dtypes alternate round by
 * round and each figure is the median over rounds (these machines are shared). A command, not a test:
 * {@code scripts/bench.sh decoders} ({@code BENCH_ROUNDS} sets the rounds, default 3;
 * {@code BENCH_ONLY=Gemma2ForCausalLM,...} picks architectures).
 */
@Tag("benchmark")
class DecoderArchitecturesBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    private static final String ONLY = System.getenv().getOrDefault("BENCH_ONLY", "");
    private static final int HIDDEN = 1024;
    private static final int LAYERS = 8;
    private static final int HEADS = 16;
    private static final int KV_HEADS = 8;
    private static final int HEAD_DIM = 64;
    private static final int INTERMEDIATE = 2816;
    private static final int VOCAB = 32000;
    private static final int PROMPT_TOKENS = 16;
    private static final int DECODE_STEPS = 16;

    @TempDir
    Path dir;

    private final DjlModelRuntime runtime = new DjlModelRuntime(0);
    private final List<String> table = new ArrayList<>();

    @Test
    void decodeTokensPerSecond() throws Exception {
        Map<String, Consumer<ObjectNode>> architectures = new LinkedHashMap<>();
        architectures.put("LlamaForCausalLM", c -> c.put("model_type", "llama"));
        architectures.put("Qwen3ForCausalLM", c -> c.put("model_type", "qwen3"));
        architectures.put("Gemma2ForCausalLM", c -> c.put("model_type", "gemma2").put("query_pre_attn_scalar", HEAD_DIM)
                .put("sliding_window", 4096).put("attn_logit_softcapping", 50.0).put("final_logit_softcapping", 30.0));
        architectures.put("Gemma3ForCausalLM", c -> c.put("model_type", "gemma3_text").put("query_pre_attn_scalar", HEAD_DIM)
                .put("sliding_window", 512).put("sliding_window_pattern", 6).put("rope_local_base_freq", 10000.0));
        architectures.put("Phi3ForCausalLM", c -> c.put("model_type", "phi3"));
        table.add("| architecture | dtype | batch 1 tokens/s | batch 8 tokens/s | batch 1 ms/step |");
        table.add("|---|---|---|---|---|");
        for (var e : architectures.entrySet()) {
            if (!ONLY.isBlank() && !Set.of(ONLY.split(",")).contains(e.getKey())) {
                continue;
            }
            Path repo = write(e.getKey(), e.getValue());
            measure(e.getKey(), repo);
            deleteTree(repo);
        }
        System.out.printf("%nDecode speed per architecture (hidden %d, %d layers, %d/%d heads of %d, intermediate %d, vocab %d,"
                + " tied; bfloat16 file), after a %d-token prompt, %d steps a round; CPU, %d cores, libtorch intra-op threads %d,"
                + " medians of %d interleaved rounds, load average %.1f at the end%n", HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM,
                INTERMEDIATE, VOCAB, PROMPT_TOKENS, DECODE_STEPS, Runtime.getRuntime().availableProcessors(),
                JniUtils.getNumThreads(), ROUNDS,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        table.forEach(System.out::println);
    }

    /** config.json for the shape, then every tensor of the architecture's plan, random, stored as bfloat16. */
    private Path write(String architecture, Consumer<ObjectNode> specifics) throws Exception {
        Path repo = dir.resolve(architecture);
        Files.createDirectories(repo);
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("vocab_size", VOCAB).put("hidden_size", HIDDEN).put("intermediate_size", INTERMEDIATE)
                .put("num_hidden_layers", LAYERS).put("num_attention_heads", HEADS).put("num_key_value_heads", KV_HEADS)
                .put("head_dim", HEAD_DIM).put("max_position_embeddings", 4096).put("rms_norm_eps", 1e-6)
                .put("rope_theta", 10000.0).put("tie_word_embeddings", true).put("torch_dtype", "bfloat16");
        specifics.accept(c);
        Files.writeString(repo.resolve("config.json"), JSON.writeValueAsString(c));
        ModelSpec spec = runtime.inspect(repo.resolve("config.json"));
        Architecture arch = Architectures.require(architecture);
        Map<String, long[]> shapes = arch.family().plan(arch, spec.program(), Set.of("model.embed_tokens.weight")).storedShapes();
        Random rng = new Random(architecture.hashCode());
        SafetensorsWriter st = new SafetensorsWriter();
        shapes.forEach((name, shape) -> {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] values = new float[n];
            boolean norm = shape.length == 1;
            for (int i = 0; i < n; i++) {
                values[i] = norm ? (architecture.startsWith("Gemma") ? 0f : 1f) + 0.05f * (float) rng.nextGaussian()
                        : 0.02f * (float) rng.nextGaussian();
            }
            st.put(name, DType.BF16, shape, values);
        });
        st.write(repo.resolve("model.safetensors"));
        return repo;
    }

    private void measure(String architecture, Path repo) {
        Map<String, DecoderModel> models = new LinkedHashMap<>();
        try {
            for (String dtype : List.of("float32", "bfloat16")) {
                models.put(dtype, (DecoderModel) runtime.load(repo, runtime.inspect(repo.resolve("config.json")),
                        new LoadOptions("cpu", dtype)));
            }
            Map<String, double[]> perDtype = new LinkedHashMap<>();
            for (int rows : new int[] {1, 8}) {
                Map<String, double[]> rounds = new LinkedHashMap<>();
                models.keySet().forEach(d -> rounds.put(d, new double[ROUNDS]));
                models.forEach((d, m) -> decodeMs(m, rows)); // warm-up
                for (int r = 0; r < ROUNDS; r++) {
                    List<String> order = new ArrayList<>(models.keySet());
                    java.util.Collections.rotate(order, r);
                    for (String d : order) {
                        rounds.get(d)[r] = decodeMs(models.get(d), rows);
                    }
                }
                rounds.forEach((d, v) -> {
                    double[] sorted = v.clone();
                    Arrays.sort(sorted);
                    perDtype.computeIfAbsent(d, k -> new double[2])[rows == 1 ? 0 : 1] = sorted[sorted.length / 2];
                });
            }
            perDtype.forEach((d, ms) -> table.add(String.format("| %s | %s | %.1f | %.1f | %.1f |", architecture, d,
                    DECODE_STEPS / (ms[0] / 1e3), 8 * DECODE_STEPS / (ms[1] / 1e3), ms[0] / DECODE_STEPS)));
        } finally {
            models.values().forEach(LoadedModel::close);
        }
    }

    /** ms for DECODE_STEPS batched steps of {@code rows} sequences after their prefill (not timed). */
    private static double decodeMs(DecoderModel model, int rows) {
        long[] prompt = new long[PROMPT_TOKENS];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = 100 + 37L * i;
        }
        long[] tokens = new long[rows];
        Arrays.fill(tokens, 321);
        DecoderCache[] caches = new DecoderCache[rows];
        try {
            for (int i = 0; i < rows; i++) {
                caches[i] = model.newCache();
                model.nextLogits(caches[i], prompt);
            }
            model.nextLogitsRows(caches, tokens); // the first step after a prefill also grows the cache: not timed
            long start = System.nanoTime();
            for (int s = 0; s < DECODE_STEPS; s++) {
                model.nextLogitsRows(caches, tokens);
            }
            return (System.nanoTime() - start) / 1e6;
        } finally {
            Arrays.stream(caches).filter(c -> c != null).forEach(DecoderCache::close);
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
