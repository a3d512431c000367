package dev.modelport.testing.decoders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.testing.models.SafetensorsWriter;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes tiny random decoder checkpoints in the layouts transformers saves: config.json,
 * generation_config.json, model.safetensors (or shards) and the tokenizer files. The weights are
 * kept so that {@link ReferenceDecoder} can recompute the logits.
 */
public final class TinyDecoders {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A written checkpoint: its folder, its config, and every tensor by checkpoint key. */
    public record Checkpoint(Path dir, ObjectNode config, Map<String, float[]> weights) {
        public float[] w(String key) {
            float[] v = weights.get(key);
            if (v == null) {
                throw new IllegalArgumentException("no tensor " + key);
            }
            return v;
        }
    }

    /** The Llama-family variants. */
    public enum Family {
        LLAMA("LlamaForCausalLM", "llama"), QWEN2("Qwen2ForCausalLM", "qwen2"), MISTRAL("MistralForCausalLM", "mistral");

        public final String architecture;
        public final String modelType;

        Family(String architecture, String modelType) {
            this.architecture = architecture;
            this.modelType = modelType;
        }
    }

    private TinyDecoders() {
    }

    /**
     * GPT-2 with the real 50257-token vocabulary and tokenizer. Keys under {@code transformer.} with
     * the old {@code attn.bias}/{@code attn.masked_bias} buffers and a stored tied {@code lm_head.weight},
     * as GPT2LMHeadModel checkpoints on the Hub have them; {@code bare} writes a GPT2Model save
     * (no prefix, no buffers, no lm_head).
     */
    public static Checkpoint gpt2(Path dir, int layers, int hidden, int heads, int positions, long seed, boolean bare) {
        return gpt2(dir, layers, hidden, heads, positions, seed, bare, DType.F32);
    }

    /** The same GPT-2, every tensor stored as {@code storage} (F32, F16 or BF16). */
    public static Checkpoint gpt2(Path dir, int layers, int hidden, int heads, int positions, long seed, boolean bare,
            DType storage) {
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("GPT2LMHeadModel");
        config.put("model_type", "gpt2").put("vocab_size", Gpt2Tokenizer.VOCAB_SIZE).put("n_embd", hidden)
                .put("n_layer", layers).put("n_head", heads).put("n_positions", positions).put("n_ctx", positions)
                .put("activation_function", "gelu_new").put("layer_norm_epsilon", 1e-5)
                .put("bos_token_id", Gpt2Tokenizer.EOS).put("eos_token_id", Gpt2Tokenizer.EOS);
        config.putNull("n_inner");
        Random rng = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        SafetensorsWriter st = new SafetensorsWriter();
        String p = bare ? "" : "transformer.";
        int v = Gpt2Tokenizer.VOCAB_SIZE;
        put(st, w, p + "wte.weight", rng, 0.1f, 0f, v, hidden);
        put(st, w, p + "wpe.weight", rng, 0.05f, 0f, positions, hidden);
        for (int i = 0; i < layers; i++) {
            String l = p + "h." + i + ".";
            put(st, w, l + "ln_1.weight", rng, 0.1f, 1f, hidden);
            put(st, w, l + "ln_1.bias", rng, 0.05f, 0f, hidden);
            put(st, w, l + "attn.c_attn.weight", rng, 0.15f, 0f, hidden, 3L * hidden);
            put(st, w, l + "attn.c_attn.bias", rng, 0.05f, 0f, 3L * hidden);
            put(st, w, l + "attn.c_proj.weight", rng, 0.15f, 0f, hidden, hidden);
            put(st, w, l + "attn.c_proj.bias", rng, 0.05f, 0f, hidden);
            put(st, w, l + "ln_2.weight", rng, 0.1f, 1f, hidden);
            put(st, w, l + "ln_2.bias", rng, 0.05f, 0f, hidden);
            put(st, w, l + "mlp.c_fc.weight", rng, 0.15f, 0f, hidden, 4L * hidden);
            put(st, w, l + "mlp.c_fc.bias", rng, 0.05f, 0f, 4L * hidden);
            put(st, w, l + "mlp.c_proj.weight", rng, 0.1f, 0f, 4L * hidden, hidden);
            put(st, w, l + "mlp.c_proj.bias", rng, 0.05f, 0f, hidden);
            if (!bare) {
                // the causal-mask buffers old checkpoints carry; the runtime must ignore them
                float[] tri = new float[positions * positions];
                for (int r = 0; r < positions; r++) {
                    for (int c = 0; c <= r; c++) {
                        tri[r * positions + c] = 1f;
                    }
                }
                st.put(l + "attn.bias", DType.F32, new long[] {1, 1, positions, positions}, tri);
                st.put(l + "attn.masked_bias", DType.F32, new long[] {}, new float[] {-1e4f});
            }
        }
        put(st, w, p + "ln_f.weight", rng, 0.1f, 1f, hidden);
        put(st, w, p + "ln_f.bias", rng, 0.05f, 0f, hidden);
        if (!bare) {
            st.put("lm_head.weight", DType.F32, new long[] {v, hidden}, w.get(p + "wte.weight"));
        }
        storeAs(storage, config, st, w);
        writeRepo(dir, config, st, 1);
        Gpt2Tokenizer.write(dir);
        writeJson(dir.resolve("generation_config.json"), JSON.createObjectNode().put("bos_token_id", Gpt2Tokenizer.EOS)
                .put("eos_token_id", Gpt2Tokenizer.EOS));
        return new Checkpoint(dir, config, w);
    }

    /**
     * A Llama-family checkpoint with {@link SmallBpeTokenizer}'s vocabulary and chat template:
     * grouped-query attention ({@code kvHeads < heads}), Qwen2's q/k/v biases, tied or untied
     * embeddings, an optional rope_scaling object, written in {@code shards} files.
     */
    public static Checkpoint llama(Path dir, Family family, int layers, int hidden, int heads, int kvHeads,
            int intermediate, boolean tied, ObjectNode ropeScaling, int shards, long seed) {
        return llama(dir, family, layers, hidden, heads, kvHeads, intermediate, tied, ropeScaling, shards, seed, DType.F32);
    }

    /** The same Llama-family checkpoint, every tensor stored as {@code storage} (F32, F16 or BF16). */
    public static Checkpoint llama(Path dir, Family family, int layers, int hidden, int heads, int kvHeads,
            int intermediate, boolean tied, ObjectNode ropeScaling, int shards, long seed, DType storage) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int v = SmallBpeTokenizer.write(dir);
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add(family.architecture);
        config.put("model_type", family.modelType).put("vocab_size", v).put("hidden_size", hidden)
                .put("intermediate_size", intermediate).put("num_hidden_layers", layers).put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads).put("hidden_act", "silu").put("max_position_embeddings", 128)
                .put("rms_norm_eps", 1e-6).put("rope_theta", 10000.0).put("tie_word_embeddings", tied)
                .put("bos_token_id", SmallBpeTokenizer.BOS).put("eos_token_id", SmallBpeTokenizer.EOS);
        if (ropeScaling != null) {
            config.set("rope_scaling", ropeScaling);
        }
        if (family == Family.MISTRAL) {
            config.put("sliding_window", 96);
        }
        Random rng = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        SafetensorsWriter st = new SafetensorsWriter();
        int d = hidden / heads;
        put(st, w, "model.embed_tokens.weight", rng, 0.5f, 0f, v, hidden);
        for (int i = 0; i < layers; i++) {
            String l = "model.layers." + i + ".";
            put(st, w, l + "input_layernorm.weight", rng, 0.1f, 1f, hidden);
            put(st, w, l + "self_attn.q_proj.weight", rng, 0.2f, 0f, (long) heads * d, hidden);
            put(st, w, l + "self_attn.k_proj.weight", rng, 0.2f, 0f, (long) kvHeads * d, hidden);
            put(st, w, l + "self_attn.v_proj.weight", rng, 0.2f, 0f, (long) kvHeads * d, hidden);
            if (family == Family.QWEN2) {
                put(st, w, l + "self_attn.q_proj.bias", rng, 0.1f, 0f, (long) heads * d);
                put(st, w, l + "self_attn.k_proj.bias", rng, 0.1f, 0f, (long) kvHeads * d);
                put(st, w, l + "self_attn.v_proj.bias", rng, 0.1f, 0f, (long) kvHeads * d);
            }
            put(st, w, l + "self_attn.o_proj.weight", rng, 0.2f, 0f, hidden, (long) heads * d);
            put(st, w, l + "post_attention_layernorm.weight", rng, 0.1f, 1f, hidden);
            put(st, w, l + "mlp.gate_proj.weight", rng, 0.2f, 0f, intermediate, hidden);
            put(st, w, l + "mlp.up_proj.weight", rng, 0.2f, 0f, intermediate, hidden);
            put(st, w, l + "mlp.down_proj.weight", rng, 0.2f, 0f, hidden, intermediate);
        }
        put(st, w, "model.norm.weight", rng, 0.1f, 1f, hidden);
        if (!tied) {
            put(st, w, "lm_head.weight", rng, 0.3f, 0f, v, hidden);
        }
        storeAs(storage, config, st, w);
        writeRepo(dir, config, st, shards);
        writeJson(dir.resolve("generation_config.json"), JSON.createObjectNode().put("bos_token_id", SmallBpeTokenizer.BOS)
                .put("eos_token_id", SmallBpeTokenizer.EOS));
        return new Checkpoint(dir, config, w);
    }

    private static void put(SafetensorsWriter st, Map<String, float[]> w, String key, Random rng, float scale,
            float offset, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = offset + (float) rng.nextGaussian() * scale;
        }
        st.put(key, DType.F32, shape, values);
        w.put(key, values);
    }

    /**
     * Re-stores every tensor as {@code storage}, as a half-precision save holds it, and keeps the
     * rounded values in {@code w} so that the reference computes with exactly the stored weights.
     */
    private static void storeAs(DType storage, ObjectNode config, SafetensorsWriter st, Map<String, float[]> w) {
        if (storage == DType.F32) {
            return;
        }
        config.put("torch_dtype", storage == DType.F16 ? "float16" : "bfloat16");
        for (var e : new java.util.ArrayList<>(st.tensors().entrySet())) {
            float[] rounded = e.getValue().floats().clone();
            for (int i = 0; i < rounded.length; i++) {
                rounded[i] = SafetensorsWriter.roundTo(storage, rounded[i]);
            }
            st.put(e.getKey(), storage, e.getValue().shape(), rounded);
            w.computeIfPresent(e.getKey(), (k, old) -> rounded);
        }
    }

    private static void writeRepo(Path dir, ObjectNode config, SafetensorsWriter st, int shards) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeJson(dir.resolve("config.json"), config);
        if (shards > 1) {
            st.writeSharded(dir, shards);
        } else {
            st.write(dir.resolve("model.safetensors"));
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
