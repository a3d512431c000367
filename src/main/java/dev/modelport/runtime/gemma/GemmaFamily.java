package dev.modelport.runtime.gemma;

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
 * Gemma2ForCausalLM / Gemma2Model and Gemma3ForCausalLM / Gemma3TextModel (model_type
 * {@code gemma3_text}; the multimodal Gemma3ForConditionalGeneration is not registered), run by
 * programs/gemma.py. Defaults are those of transformers' Gemma2Config and Gemma3TextConfig (a field
 * missing from config.json means what it means there). What differs between the two:
 * <ul>
 *   <li>Gemma 2 soft-caps attention scores ({@code attn_logit_softcapping}, default 50) and logits
 *       ({@code final_logit_softcapping}, default 30); its layers alternate sliding and full
 *       attention (even layers slide) unless {@code layer_types} says otherwise.</li>
 *   <li>Gemma 3 has q_norm / k_norm, caps only the logits ({@code final_logit_softcapping}, default
 *       none; transformers' Gemma 3 attention never passes {@code attn_logit_softcapping} on, so
 *       neither do we), slides every layer but each {@code sliding_window_pattern}-th (default 6)
 *       unless {@code layer_types} says, and gives sliding layers their own rotary settings
 *       ({@code rope_parameters.sliding_attention}, or transformers 4's {@code rope_local_base_freq},
 *       default 10000; full layers' theta defaults to 1e6).</li>
 * </ul>
 * {@code use_bidirectional_attention} (EmbeddingGemma) is refused: the program attends causally.
 */
public final class GemmaFamily implements ModelFamily {

    private enum Variant { GEMMA2, GEMMA3 }

    private final Variant variant;

    private GemmaFamily(Variant variant) {
        this.variant = variant;
    }

    public static List<Architecture> architectures() {
        GemmaFamily gemma2 = new GemmaFamily(Variant.GEMMA2);
        GemmaFamily gemma3 = new GemmaFamily(Variant.GEMMA3);
        return List.of(
                new Architecture("Gemma2ForCausalLM", Set.of("gemma2"), Head.CAUSAL_LM, gemma2, true),
                new Architecture("Gemma2Model", Set.of("gemma2"), Head.BASE, gemma2, true),
                new Architecture("Gemma3ForCausalLM", Set.of("gemma3_text"), Head.CAUSAL_LM, gemma3, true),
                new Architecture("Gemma3TextModel", Set.of("gemma3_text"), Head.BASE, gemma3, true));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        boolean gemma3 = variant == Variant.GEMMA3;
        c.refuseUnless(!c.boolOr("use_bidirectional_attention", false), "use_bidirectional_attention",
                "bidirectional attention (EmbeddingGemma) is not implemented; the program attends causally");
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        int kvHeads = c.intOr("num_key_value_heads", 4);
        c.requireDivisible(heads, "num_attention_heads", kvHeads, "num_key_value_heads");
        int headDim = c.intOr("head_dim", 256);
        int layers = c.requireInt("num_hidden_layers");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", gemma3 ? 131_072 : 8192);
        int context;
        if (gemma3) {
            RopeSettings[] ropes = gemma3Rope(c, maxPositions, headDim);
            ropes[0].putInto(c, "");
            ropes[1].putInto(c, "local_");
            context = ropes[0].context(maxPositions);
        } else {
            JsonNode params = RopeSettings.params(c);
            if (params.isObject() && (params.has("full_attention") || params.has("sliding_attention"))) {
                throw c.unsupported("rope_parameters per layer type");
            }
            RopeSettings rope = RopeSettings.parse(c, params, RopeSettings.theta(c, params, 10000.0), maxPositions, headDim,
                    RopeSettings.LLAMA_TYPES, "");
            rope.putInto(c, "");
            context = rope.context(maxPositions);
        }
        c.put("vocab_size", vocab)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads)
                .put("head_dim", headDim)
                .put("num_hidden_layers", layers)
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_activation", "gelu_pytorch_tanh"))
                .put("mlp_bias", false)
                .put("rms_norm_eps", c.doubleOr("rms_norm_eps", 1e-6))
                .put("max_position_embeddings", maxPositions)
                .put("context_length", context)
                .put("attention_bias", c.boolOr("attention_bias", false))
                .put("query_pre_attn_scalar", c.doubleOr("query_pre_attn_scalar", 256))
                .put("attn_logit_softcapping", gemma3 ? 0.0 : softcap(c, "attn_logit_softcapping", 50.0))
                .put("final_logit_softcapping", softcap(c, "final_logit_softcapping", gemma3 ? 0.0 : 30.0))
                .put("qk_norm", gemma3)
                .put("local_rope", gemma3)
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true))
                .putInts("layer_windows", windows(c, layers));
        return new ProgramConfig(ProgramKind.DECODER, List.of("causal", "llama", "gemma"), c.values(),
                new ModelFacts(vocab, context, 0, false));
    }

    /** A soft-capping value: the field's number, 0 (none) when null, {@code fallback} when absent. */
    private static double softcap(ConfigReader c, String field, double fallback) {
        JsonNode n = c.json().get(field);
        if (n == null) {
            return fallback;
        }
        if (n.isNull()) {
            return 0.0;
        }
        c.refuseUnless(n.isNumber() && n.asDouble() > 0, field, "a soft-capping value must be a positive number or null");
        return n.asDouble();
    }

    /**
     * Gemma3TextConfig.convert_rope_params_to_dict: {full_attention, sliding_attention} settings from
     * transformers 5's nested {@code rope_parameters}, or from transformers 4's {@code rope_scaling} +
     * {@code rope_theta} (full layers) and {@code rope_local_base_freq} (sliding layers).
     */
    private static RopeSettings[] gemma3Rope(ConfigReader c, int maxPositions, int headDim) {
        JsonNode nested = c.json().path("rope_parameters");
        JsonNode full;
        JsonNode sliding;
        if (nested.isObject() && (nested.has("full_attention") || nested.has("sliding_attention"))) {
            full = nested.path("full_attention");
            sliding = nested.path("sliding_attention");
        } else if (nested.isObject() && !nested.isEmpty()) {
            throw c.unsupported("rope_parameters not given per layer type (full_attention, sliding_attention)");
        } else {
            full = c.json().path("rope_scaling");
            sliding = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        double fullTheta = full.has("rope_theta") && !full.get("rope_theta").isNull() ? full.get("rope_theta").asDouble()
                : c.doubleOr("rope_theta", 1_000_000.0);
        double slidingTheta = sliding.has("rope_theta") && !sliding.get("rope_theta").isNull()
                ? sliding.get("rope_theta").asDouble() : c.doubleOr("rope_local_base_freq", 10_000.0);
        return new RopeSettings[] {
                RopeSettings.parse(c, full, fullTheta, maxPositions, headDim, RopeSettings.LLAMA_TYPES,
                        "for full_attention layers"),
                RopeSettings.parse(c, sliding, slidingTheta, maxPositions, headDim, Set.of("default", "linear"),
                        "for sliding_attention layers")};
    }

    /** Each layer's sliding window, 0 = full attention. */
    private List<Integer> windows(ConfigReader c, int layers) {
        JsonNode window = c.json().get("sliding_window");
        int size = window == null ? 4096 : window.isNull() ? 0 : window.asInt();
        JsonNode types = c.json().get("layer_types");
        int pattern = variant == Variant.GEMMA3 ? c.intOr("sliding_window_pattern", 6) : 2;
        if (pattern <= 0) {
            throw c.unsupported("sliding_window_pattern " + pattern);
        }
        boolean listed = types != null && types.isArray();
        if (listed && types.size() != layers) {
            throw c.unsupported("layer_types lists " + types.size() + " layers, num_hidden_layers is " + layers);
        }
        List<Integer> windows = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            String type = listed ? types.get(i).asText() : (i + 1) % pattern != 0 ? "sliding_attention" : "full_attention";
            if (!Set.of("sliding_attention", "full_attention").contains(type)) {
                throw c.unsupported("layer type '" + type + "'");
            }
            boolean sliding = type.equals("sliding_attention");
            if (sliding && size <= 0) {
                throw c.unsupported("layer " + i + " is a sliding_attention layer but sliding_window is not set");
            }
            windows.add(sliding ? size : 0);
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
        boolean bias = config.boolValue("attention_bias");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        DecoderLayout model = DecoderLayout.of(plan, names);
        model.expect("embed_tokens.weight", vocab, h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "layers." + i + ".";
            for (String norm : List.of("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                    "post_feedforward_layernorm")) {
                model.expect(layer + norm + ".weight", h);
            }
            model.linear(layer + "self_attn.q_proj", q, h, bias)
                    .linear(layer + "self_attn.k_proj", kv, h, bias)
                    .linear(layer + "self_attn.v_proj", kv, h, bias)
                    .linear(layer + "self_attn.o_proj", h, q, bias);
            if (config.boolValue("qk_norm")) {
                model.expect(layer + "self_attn.q_norm.weight", d).expect(layer + "self_attn.k_norm.weight", d);
            }
            model.linear(layer + "mlp.gate_proj", inner, h, false)
                    .linear(layer + "mlp.up_proj", inner, h, false)
                    .linear(layer + "mlp.down_proj", h, inner, false);
        }
        model.expect("norm.weight", h);
        model.head(config.boolValue("tie_word_embeddings"), names, vocab, h);
        return plan.build();
    }
}
