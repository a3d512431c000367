package dev.modelport.runtime.mpnet;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * MPNet (programs/mpnet.py, which borrows RoBERTa's classification head and BERT's per-token
 * linear): BERT-like layers with a relative position bias. Checkpoints keep the base model under
 * {@code mpnet.}; a bare {@code MPNetModel} save (sentence-transformers repos) has no prefix.
 */
public final class MpnetFamily implements ModelFamily {

    private static final String PREFIX = "mpnet";
    private static final Set<String> MODEL_TYPES = Set.of("mpnet");
    private static final MpnetFamily FAMILY = new MpnetFamily();
    private static final Architecture BASE = new Architecture("MPNetModel", MODEL_TYPES, Head.BASE, FAMILY);

    public static List<Architecture> architectures() {
        return List.of(BASE,
                new Architecture("MPNetForSequenceClassification", MODEL_TYPES, Head.SEQUENCE_CLASSIFICATION, FAMILY),
                new Architecture("MPNetForMaskedLM", MODEL_TYPES, Head.MASKED_LM, FAMILY));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        c.requireDivisible(hidden, "hidden_size", heads, "num_attention_heads");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 512);
        c.put("head", architecture.head().programName())
                .put("vocab_size", vocab)
                .put("max_position_embeddings", maxPositions)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_hidden_layers", c.requireInt("num_hidden_layers"))
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_act", "gelu"))
                .put("layer_norm_eps", c.doubleOr("layer_norm_eps", 1e-12))
                .put("relative_attention_num_buckets", c.intOr("relative_attention_num_buckets", 32))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true))
                .put("num_labels", c.numLabels());
        // positions count from padding_idx 1 + 1, so the table holds two fewer tokens
        return new ProgramConfig(ProgramKind.ENCODER, List.of("bert", "roberta", "mpnet"), c.values(),
                new ModelFacts(vocab, maxPositions - 2, 0, false));
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        BaseKeys base = new BaseKeys(PREFIX, names);
        long h = config.intValue("hidden_size");
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        base.expect(plan, "embeddings.word_embeddings.weight", vocab, h);
        base.expect(plan, "embeddings.position_embeddings.weight", config.intValue("max_position_embeddings"), h);
        base.norm(plan, "embeddings.LayerNorm", true, h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "encoder.layer." + i;
            for (String proj : List.of("q", "k", "v", "o")) {
                base.linear(plan, layer + ".attention.attn." + proj, true, h, h);
            }
            base.norm(plan, layer + ".attention.LayerNorm", true, h);
            base.linear(plan, layer + ".intermediate.dense", true, inner, h);
            base.linear(plan, layer + ".output.dense", true, h, inner);
            base.norm(plan, layer + ".output.LayerNorm", true, h);
        }
        base.expect(plan, "encoder.relative_attention_bias.weight", config.intValue("relative_attention_num_buckets"),
                config.intValue("num_attention_heads"));
        plan.owns(base.owned("embeddings")).owns(base.owned("encoder"));
        long labels = config.intValue("num_labels");
        switch (architecture.head()) {
            case SEQUENCE_CLASSIFICATION -> plan.expect("classifier.dense.weight", h, h).expect("classifier.dense.bias", h)
                    .expect("classifier.out_proj.weight", labels, h).expect("classifier.out_proj.bias", labels)
                    .owns("classifier");
            case MASKED_LM -> {
                plan.expect("lm_head.dense.weight", h, h).expect("lm_head.dense.bias", h)
                        .expect("lm_head.layer_norm.weight", h).expect("lm_head.layer_norm.bias", h);
                // transformers ties decoder.bias to lm_head.bias; checkpoints store one or both
                plan.expectStored("lm_head.bias", List.of("lm_head.bias", "lm_head.decoder.bias"), vocab);
                plan.tolerate("lm_head.decoder.bias");
                if (config.boolValue("tie_word_embeddings")) {
                    plan.tolerate("lm_head.decoder.weight");
                } else {
                    plan.expect("lm_head.decoder.weight", vocab, h);
                }
                plan.owns("lm_head");
            }
            default -> {
            }
        }
        return plan.build();
    }

    @Override
    public Optional<Architecture> bareBase(Architecture architecture, Set<String> names) {
        boolean bare = architecture.head() != Head.BASE && !new BaseKeys(PREFIX, names).prefixed()
                && names.stream().noneMatch(n -> n.startsWith("lm_head.") || n.startsWith("classifier."))
                && names.contains("embeddings.word_embeddings.weight");
        return bare ? Optional.of(BASE) : Optional.empty();
    }
}
