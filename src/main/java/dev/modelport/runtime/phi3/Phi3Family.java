package dev.modelport.runtime.phi3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Phi3ForCausalLM (programs/phi3.py): Phi-3 and Phi-3.5 mini/medium, Phi-4-mini. Defaults are
 * Phi3Config's. Rotary settings as Phi3Config reads them: {@code rope_scaling} (4) or
 * {@code rope_parameters} (5), type default or longrope; {@code partial_rotary_factor} from them or
 * the top level; for longrope the pretraining length is the top-level
 * {@code original_max_position_embeddings} (default 4096), which transformers lets win over the one
 * inside the rope settings; the old type names "su" and "yarn" are read as longrope, as transformers
 * does (with their own {@code original_max_position_embeddings}, which transformers then requires).
 * {@code sliding_window}, when set, applies to every layer.
 */
public final class Phi3Family implements ModelFamily {

    public static List<Architecture> architectures() {
        return List.of(new Architecture("Phi3ForCausalLM", Set.of("phi3"), Head.CAUSAL_LM, new Phi3Family()));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        int kvHeads = c.intOr("num_key_value_heads", heads);
        c.requireDivisible(heads, "num_attention_heads", kvHeads, "num_key_value_heads");
        int headDim = c.has("head_dim") ? c.requireInt("head_dim") : hidden / heads;
        int layers = c.requireInt("num_hidden_layers");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 4096);
        RopeSettings rope = rope(c, maxPositions, headDim);
        rope.putInto(c, "");
        JsonNode window = json.get("sliding_window");
        int size = window == null || window.isNull() ? 0 : window.asInt();
        c.put("vocab_size", vocab)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_key_value_heads", kvHeads)
                .put("head_dim", headDim)
                .put("num_hidden_layers", layers)
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_act", "silu"))
                .put("rms_norm_eps", c.doubleOr("rms_norm_eps", 1e-5))
                .put("max_position_embeddings", maxPositions)
                .put("context_length", maxPositions)
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", false))
                .putInts("layer_windows", new ArrayList<>(Collections.nCopies(layers, Math.max(size, 0))));
        return new ProgramConfig(ProgramKind.DECODER, List.of("causal", "phi3"), c.values(),
                new ModelFacts(vocab, maxPositions, 0, false));
    }

    private static RopeSettings rope(ConfigReader c, int maxPositions, int headDim) {
        JsonNode found = RopeSettings.params(c);
        ObjectNode params = found.isObject() ? ((ObjectNode) found).deepCopy() : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        String type = params.path("rope_type").asText(params.path("type").asText("default"));
        if (type.equals("su") || type.equals("yarn")) {
            // Phi3Config.convert_rope_params_to_dict renames them after standardising, so the
            // top-level original_max_position_embeddings is not copied in: the settings' own is needed
            if (!params.path("original_max_position_embeddings").isNumber()) {
                throw c.unsupported("rope type '" + type + "' (read as longrope) without original_max_position_embeddings"
                        + " in its settings, which transformers requires");
            }
            type = "longrope";
        } else if (type.equals("longrope")) {
            params.put("original_max_position_embeddings", c.intOr("original_max_position_embeddings", 4096));
        }
        params.put("rope_type", type);
        double partial = params.path("partial_rotary_factor").asDouble(c.doubleOr("partial_rotary_factor", 1.0));
        c.refuseUnless(partial > 0 && partial <= 1, "partial_rotary_factor", "it must be in (0, 1]");
        int rotaryDim = (int) (headDim * partial);
        if (rotaryDim % 2 != 0 || rotaryDim == 0) {
            throw c.unsupported("partial_rotary_factor " + partial + " gives " + rotaryDim + " rotary dimensions, not an even number");
        }
        return RopeSettings.parse(c, params, RopeSettings.theta(c, params, 10000.0), maxPositions, rotaryDim,
                Set.of("default", "longrope"), "");
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        long h = config.intValue("hidden_size");
        long d = config.intValue("head_dim");
        long q = config.intValue("num_attention_heads") * d;
        long kv = config.intValue("num_key_value_heads") * d;
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        DecoderLayout model = DecoderLayout.of(plan, names);
        model.expect("embed_tokens.weight", vocab, h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "layers." + i + ".";
            model.expect(layer + "input_layernorm.weight", h).expect(layer + "post_attention_layernorm.weight", h);
            model.linear(layer + "self_attn.qkv_proj", q + 2 * kv, h, false)
                    .linear(layer + "self_attn.o_proj", h, q, false)
                    .linear(layer + "mlp.gate_up_proj", 2 * inner, h, false)
                    .linear(layer + "mlp.down_proj", h, inner, false);
        }
        model.expect("norm.weight", h);
        model.head(config.boolValue("tie_word_embeddings"), names, vocab, h);
        return plan.build();
    }
}
