package dev.modelport.runtime.modernbert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.BaseKeys;
import dev.modelport.runtime.ConfigReader;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelFacts;
import dev.modelport.runtime.ModelFamily;
import dev.modelport.runtime.ProgramConfig;
import dev.modelport.runtime.ProgramKind;
import dev.modelport.runtime.TensorPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ModernBERT (programs/modernbert.py). config.json as transformers 4 wrote it
 * ({@code global_attn_every_n_layers}, {@code global_rope_theta}, {@code local_rope_theta}: what
 * answerdotai/ModernBERT-base and most fine-tunes on the Hub carry) or as transformers 5 writes it
 * ({@code layer_types}, {@code rope_parameters} per layer type). Checkpoints keep the base model
 * under {@code model.}; a bare {@code ModernBertModel} save has no prefix.
 */
public final class ModernBertFamily implements ModelFamily {

    private static final String PREFIX = "model";
    private static final Set<String> MODEL_TYPES = Set.of("modernbert");
    private static final double GLOBAL_THETA = 160_000.0;
    private static final double LOCAL_THETA = 10_000.0;

    public static List<Architecture> architectures() {
        ModernBertFamily f = new ModernBertFamily();
        return List.of(
                new Architecture("ModernBertModel", MODEL_TYPES, Head.BASE, f),
                new Architecture("ModernBertForSequenceClassification", MODEL_TYPES, Head.SEQUENCE_CLASSIFICATION, f),
                new Architecture("ModernBertForTokenClassification", MODEL_TYPES, Head.TOKEN_CLASSIFICATION, f),
                new Architecture("ModernBertForMaskedLM", MODEL_TYPES, Head.MASKED_LM, f));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        c.requireDivisible(hidden, "hidden_size", heads, "num_attention_heads");
        int layers = c.requireInt("num_hidden_layers");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 8192);
        String pooling = c.textOr("classifier_pooling", "cls");
        c.refuseUnless(pooling.equals("cls") || pooling.equals("mean"), "classifier_pooling", "only cls and mean exist");
        List<String> types = layerTypes(c, layers);
        c.put("head", architecture.head().programName())
                .put("vocab_size", vocab)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_hidden_layers", layers)
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_activation", c.activation("hidden_activation", "gelu"))
                .put("norm_eps", c.doubleOr("norm_eps", 1e-5))
                .put("norm_bias", c.boolOr("norm_bias", false))
                .put("attention_bias", c.boolOr("attention_bias", false))
                .put("mlp_bias", c.boolOr("mlp_bias", false))
                .put("classifier_bias", c.boolOr("classifier_bias", false))
                .put("classifier_activation", c.activation("classifier_activation", "gelu"))
                .put("classifier_pooling", pooling)
                .put("decoder_bias", c.boolOr("decoder_bias", true))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true))
                .put("local_attention", c.intOr("local_attention", 128))
                .put("layer_types", String.join(",", types))
                .put("global_rope_theta", theta(c, "full_attention", "global_rope_theta", GLOBAL_THETA))
                .put("local_rope_theta", theta(c, "sliding_attention", "local_rope_theta", LOCAL_THETA))
                .put("num_labels", c.numLabels());
        return new ProgramConfig(ProgramKind.ENCODER, List.of("modernbert"), c.values(),
                new ModelFacts(vocab, maxPositions, 0, false));
    }

    /**
     * transformers 5's {@code layer_types}, else the older rule: every {@code
     * global_attn_every_n_layers}-th layer (from the first) global, the others sliding.
     */
    static List<String> layerTypes(ConfigReader c, int layers) {
        JsonNode given = c.json().get("layer_types");
        List<String> types = new ArrayList<>();
        if (given != null && given.isArray()) {
            given.forEach(t -> types.add(t.asText()));
            if (types.size() != layers) {
                throw c.unsupported("layer_types has " + types.size() + " entries for " + layers + " layers");
            }
            for (String t : types) {
                c.refuseUnless(t.equals("full_attention") || t.equals("sliding_attention"), "layer_types",
                        "a layer type other than full_attention / sliding_attention: " + t);
            }
            return types;
        }
        int every = c.intOr("global_attn_every_n_layers", 3);
        c.refuseUnless(every > 0, "global_attn_every_n_layers", "must be positive");
        for (int i = 0; i < layers; i++) {
            types.add(i % every != 0 ? "sliding_attention" : "full_attention");
        }
        return types;
    }

    /**
     * The RoPE theta of a layer type: transformers 5's {@code rope_parameters[type].rope_theta},
     * else the transformers-4 field, else ModernBERT's default. Only the default RoPE is implemented.
     */
    static double theta(ConfigReader c, String type, String legacyField, double fallback) {
        JsonNode scaling = c.json().get("rope_scaling");
        if (scaling != null && !scaling.isNull()) {
            throw c.unsupported("rope_scaling " + scaling + " (only ModernBERT's default RoPE is implemented)");
        }
        JsonNode params = c.json().path("rope_parameters").path(type);
        if (params.isObject()) {
            String ropeType = params.path("rope_type").asText("default");
            if (!ropeType.equals("default")) {
                throw c.unsupported("rope_parameters." + type + ".rope_type '" + ropeType + "' (only default is implemented)");
            }
            if (params.path("rope_theta").isNumber()) {
                return params.path("rope_theta").asDouble();
            }
        }
        return c.doubleOr(legacyField, fallback);
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        BaseKeys base = new BaseKeys(PREFIX, names);
        long h = config.intValue("hidden_size");
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        boolean normBias = config.boolValue("norm_bias");
        boolean attentionBias = config.boolValue("attention_bias");
        boolean mlpBias = config.boolValue("mlp_bias");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        base.expect(plan, "embeddings.tok_embeddings.weight", vocab, h);
        base.norm(plan, "embeddings.norm", normBias, h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "layers." + i;
            if (i > 0) {
                base.norm(plan, layer + ".attn_norm", normBias, h);
            }
            base.linear(plan, layer + ".attn.Wqkv", attentionBias, 3 * h, h);
            base.linear(plan, layer + ".attn.Wo", attentionBias, h, h);
            base.norm(plan, layer + ".mlp_norm", normBias, h);
            base.linear(plan, layer + ".mlp.Wi", mlpBias, 2 * inner, h);
            base.linear(plan, layer + ".mlp.Wo", mlpBias, h, inner);
        }
        base.norm(plan, "final_norm", normBias, h);
        plan.owns(base.owned("embeddings")).owns(base.owned("layers")).owns(base.owned("final_norm"));
        long labels = config.intValue("num_labels");
        if (architecture.head() != Head.BASE) {
            plan.expect("head.dense.weight", h, h);
            if (config.boolValue("classifier_bias")) {
                plan.expect("head.dense.bias", h);
            }
            plan.expect("head.norm.weight", h);
            if (normBias) {
                plan.expect("head.norm.bias", h);
            }
            plan.owns("head");
        }
        switch (architecture.head()) {
            case SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION -> plan.expect("classifier.weight", labels, h)
                    .expect("classifier.bias", labels).owns("classifier");
            case MASKED_LM -> {
                if (config.boolValue("tie_word_embeddings")) {
                    plan.tolerate("decoder.weight");
                } else {
                    plan.expect("decoder.weight", vocab, h);
                }
                if (config.boolValue("decoder_bias")) {
                    plan.expect("decoder.bias", vocab);
                }
                plan.owns("decoder");
            }
            default -> {
            }
        }
        return plan.build();
    }
}
