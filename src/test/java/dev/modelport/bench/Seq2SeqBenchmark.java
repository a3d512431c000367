package dev.modelport.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.EncodedInputs;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.runtime.Seq2SeqCache;
import dev.modelport.runtime.Seq2SeqModel;
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
 * Encoder-decoder speed at realistic small shapes: t5-small (d_model 512, 8 heads of 64, d_ff 2048,
 * 6 + 6 layers, relu, vocabulary 32128, tied) and bart-base (d_model 768, 12 heads, ffn 3072, 6 + 6
 * layers, vocabulary 50265); random weights stored in bfloat16, run in float32 and in bfloat16. For a
 * 64-token input: the encoder pass (ms), and decode tokens/s after the decoder start token, for one
 * sequence (greedy) and for four sequences of that input stepped together (a 4-beam search's steps,
 * the beam reorder included). The dtypes alternate round by round and each figure is the median (these
 * machines are shared). A command, not a test: {@code scripts/bench.sh seq2seq} ({@code BENCH_ROUNDS}
 * sets the rounds, default 3; {@code BENCH_ONLY=t5-small} or {@code bart-base} picks one).
 */
@Tag("benchmark")
class Seq2SeqBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    private static final String ONLY = System.getenv().getOrDefault("BENCH_ONLY", "");
    private static final int INPUT_TOKENS = 64;
    private static final int DECODE_STEPS = 16;
    private static final int BEAMS = 4;

    @TempDir
    Path dir;

    private final DjlModelRuntime runtime = new DjlModelRuntime(0);
    private final List<String> table = new ArrayList<>();

    @Test
    void decodeTokensPerSecond() throws Exception {
        Map<String, Consumer<ObjectNode>> shapes = new LinkedHashMap<>();
        shapes.put("t5-small", c -> c.put("model_type", "t5").put("vocab_size", 32128).put("d_model", 512).put("d_kv", 64)
                .put("d_ff", 2048).put("num_layers", 6).put("num_heads", 8).put("feed_forward_proj", "relu")
                .put("decoder_start_token_id", 0).put("eos_token_id", 1).put("pad_token_id", 0));
        shapes.put("bart-base", c -> c.put("model_type", "bart").put("vocab_size", 50265).put("d_model", 768)
                .put("encoder_layers", 6).put("decoder_layers", 6).put("encoder_attention_heads", 12)
                .put("decoder_attention_heads", 12).put("encoder_ffn_dim", 3072).put("decoder_ffn_dim", 3072)
                .put("max_position_embeddings", 1024).put("decoder_start_token_id", 2).put("eos_token_id", 2));
        table.add("| shape | dtype | encoder 1 x " + INPUT_TOKENS + " ms | decode tokens/s, 1 sequence | decode tokens/s, "
                + BEAMS + " beams | ms/step, 1 sequence |");
        table.add("|---|---|---|---|---|---|");
        for (var e : shapes.entrySet()) {
            if (!ONLY.isBlank() && !Set.of(ONLY.split(",")).contains(e.getKey())) {
                continue;
            }
            String architecture = e.getKey().startsWith("t5") ? "T5ForConditionalGeneration" : "BartForConditionalGeneration";
            Path repo = write(e.getKey(), architecture, e.getValue());
            measure(e.getKey(), repo);
        }
        System.out.printf("%nEncoder-decoder speed (random weights stored in bfloat16), a %d-token input, %d decode steps a"
                + " round; CPU, %d cores, libtorch intra-op threads %d, medians of %d interleaved rounds, load average %.1f at the"
                + " end%n", INPUT_TOKENS, DECODE_STEPS, Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(),
                ROUNDS, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        table.forEach(System.out::println);
    }

    /** config.json for the shape, then every tensor of the architecture's plan, random, stored as bfloat16. */
    private Path write(String name, String architecture, Consumer<ObjectNode> specifics) throws Exception {
        Path repo = dir.resolve(name);
        Files.createDirectories(repo);
        ObjectNode c = JSON.createObjectNode();
        c.putArray("architectures").add(architecture);
        c.put("torch_dtype", "bfloat16");
        specifics.accept(c);
        Files.writeString(repo.resolve("config.json"), JSON.writeValueAsString(c));
        ModelSpec spec = runtime.inspect(repo.resolve("config.json"));
        Architecture arch = Architectures.require(architecture);
        Map<String, long[]> shapes = arch.family().plan(arch, spec.program(), Set.of("final_logits_bias")).storedShapes();
        Random rng = new Random(name.hashCode());
        SafetensorsWriter st = new SafetensorsWriter();
        shapes.forEach((tensor, shape) -> {
            int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] values = new float[n];
            boolean norm = tensor.contains("norm") && tensor.endsWith("weight");
            for (int i = 0; i < n; i++) {
                values[i] = (norm ? 1f : 0f) + 0.05f * (float) rng.nextGaussian();
            }
            st.put(tensor, DType.BF16, shape, values);
        });
        st.write(repo.resolve("model.safetensors"));
        return repo;
    }

    private void measure(String name, Path repo) {
        Map<String, Seq2SeqModel> models = new LinkedHashMap<>();
        try {
            for (String dtype : List.of("float32", "bfloat16")) {
                models.put(dtype, (Seq2SeqModel) runtime.load(repo, runtime.inspect(repo.resolve("config.json")),
                        new LoadOptions("cpu", dtype)));
            }
            Map<String, double[][]> rounds = new LinkedHashMap<>();
            models.keySet().forEach(d -> rounds.put(d, new double[3][ROUNDS]));
            models.forEach((d, m) -> run(m)); // warm-up
            for (int r = 0; r < ROUNDS; r++) {
                List<String> order = new ArrayList<>(models.keySet());
                java.util.Collections.rotate(order, r);
                for (String d : order) {
                    double[] ms = run(models.get(d));
                    for (int i = 0; i < 3; i++) {
                        rounds.get(d)[i][r] = ms[i];
                    }
                }
            }
            rounds.forEach((d, v) -> {
                double encoder = median(v[0]);
                double one = median(v[1]);
                double beams = median(v[2]);
                table.add(String.format("| %s | %s | %.1f | %.1f | %.1f | %.1f |", name, d, encoder,
                        DECODE_STEPS / (one / 1e3), BEAMS * DECODE_STEPS / (beams / 1e3), one / DECODE_STEPS));
            });
        } finally {
            models.values().forEach(LoadedModel::close);
        }
    }

    private static double median(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** ms of: the encoder pass; DECODE_STEPS steps of one sequence; DECODE_STEPS steps (and reorders) of BEAMS. */
    private static double[] run(Seq2SeqModel model) {
        long[] ids = new long[INPUT_TOKENS];
        long[] mask = new long[INPUT_TOKENS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 100 + 37L * i;
            mask[i] = 1;
        }
        EncoderBatch batch = new EncoderBatch(new long[][] {ids}, new long[][] {mask}, null);
        long start = System.nanoTime();
        EncodedInputs encoded = model.encode(batch);
        double encoderMs = (System.nanoTime() - start) / 1e6;
        try (encoded) {
            double one;
            try (Seq2SeqCache cache = model.newCache(encoded, 0)) {
                model.step(new Seq2SeqCache[] {cache}, new long[] {0});
                start = System.nanoTime();
                for (int s = 0; s < DECODE_STEPS; s++) {
                    model.step(new Seq2SeqCache[] {cache}, new long[] {321});
                }
                one = (System.nanoTime() - start) / 1e6;
            }
            Seq2SeqCache[] caches = new Seq2SeqCache[BEAMS];
            try {
                for (int b = 0; b < BEAMS; b++) {
                    caches[b] = model.newCache(encoded, 0);
                }
                model.step(new Seq2SeqCache[] {caches[0]}, new long[] {0});
                int[] parents = new int[BEAMS];
                model.reorder(caches, parents);
                long[] tokens = new long[BEAMS];
                Arrays.fill(tokens, 321);
                int[] shuffle = {0, 0, 1, 2};
                start = System.nanoTime();
                for (int s = 0; s < DECODE_STEPS; s++) {
                    model.step(caches, tokens);
                    model.reorder(caches, shuffle);
                }
                return new double[] {encoderMs, one, (System.nanoTime() - start) / 1e6};
            } finally {
                Arrays.stream(caches).filter(c -> c != null).forEach(Seq2SeqCache::close);
            }
        }
    }
}
