package dev.modelport.runtime.deberta;

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
import java.util.Locale;
import java.util.Set;

/**
 * DeBERTa-v2 and DeBERTa-v3 (programs/deberta_v2.py): the settings transformers reads with
 * {@code getattr} defaults ({@code position_buckets}, {@code share_att_key}, {@code norm_rel_ebd},
 * {@code conv_kernel_size}, {@code embedding_size}, {@code attention_head_size}) read the same way.
 * Checkpoints keep the base model under {@code deberta.}; a bare {@code DebertaV2Model} save has no
 * prefix.
 */
public final class DebertaV2Family implements ModelFamily {

    private static final String PREFIX = "deberta";
    private static final Set<String> MODEL_TYPES = Set.of("deberta-v2");

    public static List<Architecture> architectures() {
        DebertaV2Family f = new DebertaV2Family();
        return List.of(
                new Architecture("DebertaV2Model", MODEL_TYPES, Head.BASE, f),
                new Architecture("DebertaV2ForSequenceClassification", MODEL_TYPES, Head.SEQUENCE_CLASSIFICATION, f),
                new Architecture("DebertaV2ForTokenClassification", MODEL_TYPES, Head.TOKEN_CLASSIFICATION, f));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        c.requireDivisible(hidden, "hidden_size", heads, "num_attention_heads");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 512);
        c.refuseUnless(c.boolOr("relative_attention", false), "relative_attention",
                "only DeBERTa with relative attention (every DeBERTa-v2 and -v3 checkpoint) is implemented");
        int maxRelative = c.intOr("max_relative_positions", -1);
        if (maxRelative < 1) {
            maxRelative = maxPositions;
        }
        int buckets = c.intOr("position_buckets", -1);
        int posEbdSize = buckets > 0 ? buckets : maxRelative;
        List<String> posAttType = posAttType(c);
        List<String> normRel = splitLower(c.textOr("norm_rel_ebd", "none"));
        for (String n : normRel) {
            c.refuseUnless(n.equals("none") || n.equals("layer_norm"), "norm_rel_ebd", "only none and layer_norm exist");
        }
        int embeddingSize = c.intOr("embedding_size", hidden);
        int pooler = c.intOr("pooler_hidden_size", hidden);
        c.refuseUnless(pooler == hidden, "pooler_hidden_size", "transformers' classifier takes hidden_size inputs");
        c.refuseUnless(c.intOr("z_steps", 0) <= 1, "z_steps", "not implemented (transformers fixes it to 0)");
        int typeVocab = c.intOr("type_vocab_size", 0);
        int conv = c.intOr("conv_kernel_size", 0);
        c.put("head", architecture.head().programName())
                .put("vocab_size", vocab)
                .put("hidden_size", hidden)
                .put("embedding_size", embeddingSize)
                .put("num_attention_heads", heads)
                .put("attention_head_size", c.intOr("attention_head_size", hidden / heads))
                .put("num_hidden_layers", c.requireInt("num_hidden_layers"))
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_act", "gelu"))
                .put("layer_norm_eps", c.doubleOr("layer_norm_eps", 1e-7))
                .put("max_position_embeddings", maxPositions)
                .put("type_vocab_size", typeVocab)
                .put("position_biased_input", c.boolOr("position_biased_input", true))
                .put("max_relative_positions", maxRelative)
                .put("position_buckets", buckets)
                .put("pos_ebd_size", posEbdSize)
                .put("pos_att_type", String.join(",", posAttType))
                .put("share_att_key", c.boolOr("share_att_key", false))
                .put("norm_rel_ebd_layer_norm", normRel.contains("layer_norm"))
                .put("conv_kernel_size", conv)
                .put("conv_groups", c.intOr("conv_groups", 1))
                .put("conv_act", conv > 0 ? c.activation("conv_act", "tanh") : "tanh")
                .put("pooler_hidden_act", c.activation("pooler_hidden_act", "gelu"))
                .put("num_labels", c.numLabels());
        return new ProgramConfig(ProgramKind.ENCODER, List.of("bert", "deberta_v2"), c.values(),
                new ModelFacts(vocab, maxPositions, typeVocab, typeVocab > 1));
    }

    /** {@code "p2c|c2p"} (older configs) or {@code ["p2c", "c2p"]}; only c2p and p2c are DeBERTa-v2's. */
    static List<String> posAttType(ConfigReader c) {
        JsonNode node = c.json().get("pos_att_type");
        List<String> types = new ArrayList<>();
        if (node == null || node.isNull()) {
            return types;
        }
        if (node.isArray()) {
            node.forEach(t -> types.add(t.asText().trim().toLowerCase(Locale.ROOT)));
        } else {
            types.addAll(splitLower(node.asText()));
        }
        for (String t : types) {
            c.refuseUnless(t.equals("c2p") || t.equals("p2c"), "pos_att_type",
                    "DeBERTa-v2 has c2p and p2c; '" + t + "' is not implemented");
        }
        return types;
    }

    private static List<String> splitLower(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.toLowerCase(Locale.ROOT).split("\\|")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        BaseKeys base = new BaseKeys(PREFIX, names);
        long h = config.intValue("hidden_size");
        long e = config.intValue("embedding_size");
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        long heads = config.intValue("num_attention_heads");
        long all = heads * config.intValue("attention_head_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        base.expect(plan, "embeddings.word_embeddings.weight", vocab, e);
        if (config.boolValue("position_biased_input")) {
            base.expect(plan, "embeddings.position_embeddings.weight", config.intValue("max_position_embeddings"), e);
        } else {
            // transformers ignores it on load (_keys_to_ignore_on_load_unexpected); DeBERTa-v3 files carry it
            plan.tolerate(base.stored("embeddings.position_embeddings.weight"));
        }
        if (config.intValue("type_vocab_size") > 0) {
            base.expect(plan, "embeddings.token_type_embeddings.weight", config.intValue("type_vocab_size"), e);
        }
        if (e != h) {
            base.expect(plan, "embeddings.embed_proj.weight", h, e);
        }
        base.norm(plan, "embeddings.LayerNorm", true, h);
        boolean share = config.boolValue("share_att_key");
        List<String> types = List.of(config.values().get("pos_att_type").split(","));
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "encoder.layer." + i;
            for (String proj : List.of("query_proj", "key_proj", "value_proj")) {
                base.linear(plan, layer + ".attention.self." + proj, true, all, h);
            }
            if (!share && types.contains("c2p")) {
                base.linear(plan, layer + ".attention.self.pos_key_proj", true, all, h);
            }
            if (!share && types.contains("p2c")) {
                base.linear(plan, layer + ".attention.self.pos_query_proj", true, all, h);
            }
            base.linear(plan, layer + ".attention.output.dense", true, h, all);
            base.norm(plan, layer + ".attention.output.LayerNorm", true, h);
            base.linear(plan, layer + ".intermediate.dense", true, inner, h);
            base.linear(plan, layer + ".output.dense", true, h, inner);
            base.norm(plan, layer + ".output.LayerNorm", true, h);
        }
        base.expect(plan, "encoder.rel_embeddings.weight", 2L * config.intValue("pos_ebd_size"), h);
        if (config.boolValue("norm_rel_ebd_layer_norm")) {
            base.norm(plan, "encoder.LayerNorm", true, h);
        }
        int kernel = config.intValue("conv_kernel_size");
        if (kernel > 0) {
            base.expect(plan, "encoder.conv.conv.weight", h, h / config.intValue("conv_groups"), kernel);
            base.expect(plan, "encoder.conv.conv.bias", h);
            base.norm(plan, "encoder.conv.LayerNorm", true, h);
        }
        plan.owns(base.owned("embeddings")).owns(base.owned("encoder"));
        long labels = config.intValue("num_labels");
        switch (architecture.head()) {
            case SEQUENCE_CLASSIFICATION -> plan.expect("pooler.dense.weight", h, h).expect("pooler.dense.bias", h)
                    .expect("classifier.weight", labels, h).expect("classifier.bias", labels)
                    .owns("pooler").owns("classifier");
            case TOKEN_CLASSIFICATION -> plan.expect("classifier.weight", labels, h).expect("classifier.bias", labels)
                    .owns("classifier");
            default -> {
            }
        }
        return plan.build();
    }
}
