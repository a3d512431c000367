package dev.modelport.runtime;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward-pass time of the encoders added with issue 12 at the real base models' shapes, float32
 * and bfloat16 interleaved round by round (medians): MPNet as sentence-transformers/all-mpnet-base-v2
 * (768 hidden, 12 layers), ModernBERT as answerdotai/ModernBERT-base (768, 22 layers, local window
 * 128 every layer but each third), DeBERTa-v3 as microsoft/deberta-v3-base (768, 12 layers, 256
 * position buckets), and BERT-base beside them as the yardstick. Random weights of those shapes
 * (written here, streamed to a temp folder); the base model's forward only, batches of 1 x 128 and
 * 8 x 128 tokens. A command, not a test: {@code scripts/bench.sh encoders} (BENCH_ROUNDS, default 5;
 * BENCH_THREADS intra-op threads, default one per core; BENCH_ONLY=mpnet|modernbert|deberta|bert).
 */
@Tag("benchmark")
class EncoderArchitecturesBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Shape(String name, String architecture, String prefix, String config) {
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("bert", "BertModel", "bert", """
                    {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": 768, "num_attention_heads": 12,
                     "num_hidden_layers": 12, "intermediate_size": 3072, "vocab_size": 30522, "max_position_embeddings": 512,
                     "type_vocab_size": 2}"""),
            new Shape("mpnet", "MPNetModel", "mpnet", """
                    {"architectures": ["MPNetModel"], "model_type": "mpnet", "hidden_size": 768, "num_attention_heads": 12,
                     "num_hidden_layers": 12, "intermediate_size": 3072, "vocab_size": 30527, "max_position_embeddings": 514,
                     "relative_attention_num_buckets": 32, "layer_norm_eps": 1e-05, "pad_token_id": 1}"""),
            new Shape("modernbert", "ModernBertModel", "model", """
                    {"architectures": ["ModernBertModel"], "model_type": "modernbert", "hidden_size": 768,
                     "num_attention_heads": 12, "num_hidden_layers": 22, "intermediate_size": 1152, "vocab_size": 50368,
                     "max_position_embeddings": 8192, "global_attn_every_n_layers": 3, "global_rope_theta": 160000.0,
                     "local_attention": 128, "local_rope_theta": 10000.0, "pad_token_id": 50283}"""),
            new Shape("deberta", "DebertaV2Model", "deberta", """
                    {"architectures": ["DebertaV2Model"], "model_type": "deberta-v2", "hidden_size": 768,
                     "num_attention_heads": 12, "num_hidden_layers": 12, "intermediate_size": 3072, "vocab_size": 128100,
                     "max_position_embeddings": 512, "relative_attention": true, "position_buckets": 256,
                     "norm_rel_ebd": "layer_norm", "share_att_key": true, "pos_att_type": "p2c|c2p", "layer_norm_eps": 1e-7,
                     "max_relative_positions": -1, "position_biased_input": false, "type_vocab_size": 0}"""));

    @Test
    void forwardTimes() throws Exception {
        int threads = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "0"));
        int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "5"));
        String only = System.getenv().getOrDefault("BENCH_ONLY", "");
        ModelRuntime runtime = new DjlModelRuntime(threads);
        List<String> table = new ArrayList<>();
        for (Shape shape : SHAPES) {
            if (!only.isEmpty() && !only.equals(shape.name())) {
                continue;
            }
            Path folder = Files.createDirectories(dir.resolve(shape.name()));
            Files.writeString(folder.resolve("config.json"), shape.config());
            ModelSpec spec = runtime.inspect(folder.resolve("config.json"));
            Architecture architecture = Architectures.require(shape.architecture());
            TensorPlan plan = architecture.family().plan(architecture, spec.program(), Set.of(shape.prefix() + ".x"));
            long bytes = writeRandom(folder.resolve("model.safetensors"), plan.expectedShapes());
            try (EncoderModel fp32 = (EncoderModel) runtime.load(folder, spec, new LoadOptions("cpu", "float32"));
                 EncoderModel bf16 = (EncoderModel) runtime.load(folder, spec, new LoadOptions("cpu", "bfloat16"))) {
                Files.delete(folder.resolve("model.safetensors"));
                int vocab = spec.facts().vocabSize();
                for (int[] bt : new int[][] {{1, 128}, {8, 128}}) {
                    EncoderBatch batch = batch(bt[0], bt[1], vocab, spec.facts().usesTokenTypes());
                    fp32.hiddenStates(batch);
                    bf16.hiddenStates(batch);
                    double[] f = new double[rounds];
                    double[] b = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        f[r] = time(fp32, batch);
                        b[r] = time(bf16, batch);
                    }
                    String line = String.format("%-11s %-16s %2d x %3d tokens: float32 %8.1f ms, bfloat16 %8.1f ms (x%.2f)",
                            shape.name(), shape.architecture(), bt[0], bt[1], median(f), median(b), median(f) / median(b));
                    System.out.println(line);
                    table.add(line);
                }
            }
            System.out.printf("(%s: %.0f MB of float32 weights)%n", shape.name(), bytes / 1e6);
        }
        System.out.printf("%nintra-op threads %d, %d rounds, medians:%n%s%n", JniUtils.getNumThreads(), rounds,
                String.join("\n", table));
    }

    private static double time(EncoderModel model, EncoderBatch batch) {
        long start = System.nanoTime();
        model.hiddenStates(batch);
        return (System.nanoTime() - start) / 1e6;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static EncoderBatch batch(int b, int t, int vocab, boolean types) {
        Random rng = new Random(1);
        long[][] ids = new long[b][t];
        long[][] mask = new long[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = 5 + rng.nextInt(Math.min(vocab, 30000) - 5);
                mask[i][j] = 1;
            }
        }
        return new EncoderBatch(ids, mask, types ? new long[b][t] : null);
    }

    /** A float32 safetensors file of the shapes, streamed: norms' weights 1, biases 0, the rest small uniform noise. */
    private static long writeRandom(Path file, Map<String, long[]> shapes) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = Arrays.stream(e.getValue()).reduce(1, (a, x) -> a * x);
            ObjectNode info = header.putObject(e.getKey()).put("dtype", "F32");
            var shape = info.putArray("shape");
            Arrays.stream(e.getValue()).forEach(shape::add);
            info.putArray("data_offsets").add(offset).add(offset + 4 * n);
            sizes.put(e.getKey(), n);
            offset += 4 * n;
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length + pad).put(json);
            for (int i = 0; i < pad; i++) {
                head.put((byte) ' ');
            }
            head.flip();
            out.write(head);
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            long seed = 0x9E3779B97F4A7C15L;
            for (Map.Entry<String, Long> e : sizes.entrySet()) {
                String name = e.getKey();
                boolean norm = name.endsWith("norm.weight") || name.endsWith("Norm.weight");
                boolean bias = name.endsWith(".bias");
                for (long i = 0; i < e.getValue(); i++) {
                    float v;
                    if (norm) {
                        v = 1f;
                    } else if (bias) {
                        v = 0f;
                    } else {
                        seed ^= seed << 13;
                        seed ^= seed >>> 7;
                        seed ^= seed << 17;
                        v = ((seed >>> 40) / (float) (1 << 24) - 0.5f) * 0.1f;
                    }
                    if (!chunk.hasRemaining()) {
                        chunk.flip();
                        out.write(chunk);
                        chunk.clear();
                    }
                    chunk.putFloat(v);
                }
            }
            chunk.flip();
            out.write(chunk);
        }
        return offset;
    }
}
