package dev.modelport.runtime.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.ConfigReader;
import dev.modelport.runtime.DecoderLayout;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelFacts;
import dev.modelport.runtime.ModelFamily;
import dev.modelport.runtime.ProgramConfig;
import dev.modelport.runtime.ProgramKind;
import dev.modelport.runtime.RopeSettings;
import dev.modelport.runtime.TensorPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * LlamaForCausalLM, MistralForCausalLM and Qwen2ForCausalLM (programs/llama.py), and
 * Qwen3ForCausalLM / Qwen3Model (programs/qwen3.py: Llama's layers with q_norm and k_norm). They
 * differ in biases (Llama: {@code attention_bias} on q/k/v/o and {@code mlp_bias}; Qwen2: q/k/v
 * always, o never; Qwen3: {@code attention_bias} on q/k/v/o), head_dim (Qwen3's default is 128, not
 * hidden / heads) and sliding windows (Mistral: {@code sliding_window} on every layer; Qwen2 and
 * Qwen3: {@code layer_types}, or transformers' derivation from {@code use_sliding_window} and
 * {@code max_window_layers}). Qwen3 also serves embeddings (Qwen3-Embedding: a Qwen3Model save,
 * sentence-transformers' last-token pooling).
 */
public final class LlamaFamily implements ModelFamily {

    private enum Variant { LLAMA, MISTRAL, QWEN2, QWEN3 }

    private final Variant variant;

    private LlamaFamily(Variant variant) {
        this.variant = variant;
    }

    public static List<Architecture> architectures() {
        return List.of(
                new Architecture("LlamaForCausalLM", Set.of("llama"), Head.CAUSAL_LM, new LlamaFamily(Variant.LLAMA)),
                new Architecture("MistralForCausalLM", Set.of("mistral"), Head.CAUSAL_LM, new LlamaFamily(Variant.MISTRAL)),
                new Architecture("Qwen2ForCausalLM", Set.of("qwen2"), Head.CAUSAL_LM, new LlamaFamily(Variant.QWEN2)),
                new Architecture("Qwen3ForCausalLM", Set.of("qwen3"), Head.CAUSAL_LM, new LlamaFamily(Variant.QWEN3), true),
                new Architecture("Qwen3Model", Set.of("qwen3"), Head.BASE, new LlamaFamily(Variant.QWEN3), true));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        int kvHeads = c.intOr("num_key_value_heads", heads);
        c.requireDivisible(heads, "num_attention_heads", kvHeads, "num_key_value_heads");
        // Qwen3Config's head_dim defaults to 128 whatever hidden_size / num_attention_heads is
        int headDim = c.has("head_dim") ? c.requireInt("head_dim") : variant == Variant.QWEN3 ? 128 : hidden / heads;
        int layers = c.requireInt("num_hidden_layers");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", variant == Variant.QWEN3 ? 32768 : 2048);
        RopeSettings rope = RopeSettings.read(c, maxPositions, headDim);
        // dynamic NTK scaling exists to run past the trained length, up to factor times it
        int context = rope.context(maxPositions);
        boolean attentionBias = (variant == Variant.LLAMA || variant == Variant.QWEN3) && c.boolOr("attention_bias", false);
        c.put("vocab_size", vocab)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads)
                .put("head_dim", headDim)
                .put("num_hidden_layers", layers)
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_act", "silu"))
                .put("rms_norm_eps", c.doubleOr("rms_norm_eps", 1e-6))
                .put("max_position_embeddings", maxPositions)
                .put("context_length", context)
                .put("qkv_bias", variant == Variant.QWEN2 || attentionBias)
                .put("o_bias", attentionBias)
                .put("attention_bias", attentionBias)
                .put("mlp_bias", variant == Variant.LLAMA && c.boolOr("mlp_bias", false))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", false))
                .putInts("layer_windows", windows(c, layers));
        rope.putInto(c, "");
        List<String> modules = variant == Variant.QWEN3 ? List.of("causal", "llama", "qwen3") : List.of("causal", "llama");
        return new ProgramConfig(ProgramKind.DECODER, modules, c.values(), new ModelFacts(vocab, context, 0, false));
    }

    /** Each layer's sliding window, 0 = full attention. */
    private List<Integer> windows(ConfigReader c, int layers) {
        List<Integer> windows = new ArrayList<>();
        JsonNode window = c.json().get("sliding_window");
        int size = window == null || window.isNull() ? 0 : window.asInt();
        if (variant == Variant.QWEN3) {
            // Qwen3Config: sliding_window (default 4096) is kept only with use_sliding_window
            size = !c.boolOr("use_sliding_window", false) ? 0 : window == null ? 4096 : size;
        }
        JsonNode types = c.json().get("layer_types");
        for (int i = 0; i < layers; i++) {
            boolean sliding = switch (variant) {
                case LLAMA -> false;
                case MISTRAL -> size > 0;
                case QWEN2, QWEN3 -> types != null && types.isArray() && types.size() == layers
                        ? types.get(i).asText().equals("sliding_attention")
                        : size > 0 && c.boolOr("use_sliding_window", false) && i >= c.intOr("max_window_layers", 28);
            };
            if (sliding && size <= 0) {
                throw c.unsupported("layer " + i + " is a sliding_attention layer but sliding_window is not set");
            }
            windows.add(sliding ? size : 0);
        }
        if ((variant == Variant.QWEN2 || variant == Variant.QWEN3) && types != null && types.isArray()) {
            for (JsonNode t : types) {
                if (!Set.of("sliding_attention", "full_attention").contains(t.asText())) {
                    throw c.unsupported("layer type '" + t.asText() + "'");
                }
            }
        }
        return windows;
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        long h = config.intValue("hidden_size");
        long d = config.intValue("head_dim");
        long q = config.intValue("num_attention_heads") * d;
        long kv = config.intValue("num_key_value_heads") * d;
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        boolean qkvBias = config.boolValue("qkv_bias");
        boolean oBias = config.boolValue("o_bias");
        boolean mlpBias = config.boolValue("mlp_bias");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        DecoderLayout model = DecoderLayout.of(plan, names);
        model.expect("embed_tokens.weight", vocab, h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "layers." + i + ".";
            model.expect(layer + "input_layernorm.weight", h).expect(layer + "post_attention_layernorm.weight", h);
            model.linear(layer + "self_attn.q_proj", q, h, qkvBias)
                    .linear(layer + "self_attn.k_proj", kv, h, qkvBias)
                    .linear(layer + "self_attn.v_proj", kv, h, qkvBias)
                    .linear(layer + "self_attn.o_proj", h, q, oBias);
            if (variant == Variant.QWEN3) {
                model.expect(layer + "self_attn.q_norm.weight", d).expect(layer + "self_attn.k_norm.weight", d);
            }
            model.linear(layer + "mlp.gate_proj", inner, h, mlpBias)
                    .linear(layer + "mlp.up_proj", inner, h, mlpBias)
                    .linear(layer + "mlp.down_proj", h, inner, mlpBias);
        }
        model.expect("norm.weight", h);
        model.head(config.boolValue("tie_word_embeddings"), names, vocab, h);
        return plan.build();
    }
}
