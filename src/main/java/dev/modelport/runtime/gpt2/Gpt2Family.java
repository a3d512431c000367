package dev.modelport.runtime.gpt2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.ConfigReader;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelFacts;
import dev.modelport.runtime.ModelFamily;
import dev.modelport.runtime.ProgramConfig;
import dev.modelport.runtime.ProgramKind;
import dev.modelport.runtime.TensorPlan;
import java.util.List;
import java.util.Set;

/** GPT2LMHeadModel (programs/gpt2.py). Its Conv1D weights are stored {@code [in, out]}. */
public final class Gpt2Family implements ModelFamily {

    public static List<Architecture> architectures() {
        return List.of(new Architecture("GPT2LMHeadModel", Set.of("gpt2"), Head.CAUSAL_LM, new Gpt2Family()));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        c.refuseTrue("add_cross_attention");
        int hidden = c.intOr("n_embd", 768);
        int heads = c.intOr("n_head", 12);
        c.requireDivisible(hidden, "n_embd", heads, "n_head");
        int vocab = c.requireInt("vocab_size");
        int positions = c.intOr("n_positions", 1024);
        JsonNode inner = json.get("n_inner");
        c.put("vocab_size", vocab)
                .put("n_embd", hidden)
                .put("n_head", heads)
                .put("n_layer", c.intOr("n_layer", 12))
                .put("n_inner", inner == null || inner.isNull() ? 4 * hidden : inner.asInt())
                .put("n_positions", positions)
                .put("layer_norm_epsilon", c.doubleOr("layer_norm_epsilon", 1e-5))
                .put("activation_function", c.activation("activation_function", "gelu_new"))
                .put("scale_attn_weights", c.boolOr("scale_attn_weights", true))
                .put("scale_attn_by_inverse_layer_idx", c.boolOr("scale_attn_by_inverse_layer_idx", false))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true));
        return new ProgramConfig(ProgramKind.DECODER, List.of("causal", "gpt2"), c.values(),
                new ModelFacts(vocab, positions, 0, false));
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        long h = config.intValue("n_embd");
        long inner = config.intValue("n_inner");
        long vocab = config.intValue("vocab_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        // a bare GPT2Model save keeps no transformer. prefix
        String stored = names.stream().anyMatch(n -> n.startsWith("transformer.")) ? "transformer." : "";
        base(plan, stored, "wte.weight", vocab, h);
        base(plan, stored, "wpe.weight", config.intValue("n_positions"), h);
        for (int i = 0; i < config.intValue("n_layer"); i++) {
            String block = "h." + i + ".";
            for (String norm : List.of("ln_1", "ln_2")) {
                base(plan, stored, block + norm + ".weight", h);
                base(plan, stored, block + norm + ".bias", h);
            }
            conv1d(plan, stored, block + "attn.c_attn", h, 3 * h);
            conv1d(plan, stored, block + "attn.c_proj", h, h);
            conv1d(plan, stored, block + "mlp.c_fc", h, inner);
            conv1d(plan, stored, block + "mlp.c_proj", inner, h);
        }
        base(plan, stored, "ln_f.weight", h);
        base(plan, stored, "ln_f.bias", h);
        plan.owns(stored.isEmpty() ? "h" : "transformer").owns("lm_head");
        if (config.boolValue("tie_word_embeddings")) {
            plan.tolerate("lm_head.weight");
        } else {
            plan.expect("lm_head.weight", vocab, h);
        }
        return plan.build();
    }

    private static void conv1d(TensorPlan.Builder plan, String stored, String module, long in, long out) {
        base(plan, stored, module + ".weight", in, out);
        base(plan, stored, module + ".bias", out);
    }

    private static void base(TensorPlan.Builder plan, String stored, String key, long... shape) {
        plan.expectStored("transformer." + key, List.of(stored + key), shape);
    }
}
