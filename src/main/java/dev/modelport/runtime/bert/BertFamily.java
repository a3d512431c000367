package dev.modelport.runtime.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
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
 * BERT (programs/bert.py) and RoBERTa / XLM-RoBERTa (programs/roberta.py, which reuses BERT's
 * layers): one layout, RoBERTa's positions and heads. Checkpoints keep the base model under
 * {@code bert.} / {@code roberta.}; a bare {@code BertModel} save has no prefix, and older ones
 * name LayerNorm parameters {@code gamma} / {@code beta} — both read as transformers reads them.
 */
public final class BertFamily implements ModelFamily {

    private enum Variant {
        BERT("Bert", "bert", Set.of("bert"), List.of("bert")),
        ROBERTA("Roberta", "roberta", Set.of("roberta"), List.of("bert", "roberta")),
        XLM_ROBERTA("XLMRoberta", "roberta", Set.of("xlm-roberta"), List.of("bert", "roberta"));

        final String stem;
        final String prefix;
        final Set<String> modelTypes;
        final List<String> modules;

        Variant(String stem, String prefix, Set<String> modelTypes, List<String> modules) {
            this.stem = stem;
            this.prefix = prefix;
            this.modelTypes = modelTypes;
            this.modules = modules;
        }

        boolean roberta() {
            return this != BERT;
        }
    }

    private final Variant variant;

    private BertFamily(Variant variant) {
        this.variant = variant;
    }

    public static List<Architecture> architectures() {
        List<Architecture> all = new ArrayList<>();
        for (Variant v : Variant.values()) {
            BertFamily family = new BertFamily(v);
            all.add(new Architecture(v.stem + "Model", v.modelTypes, Head.BASE, family));
            all.add(new Architecture(v.stem + "ForSequenceClassification", v.modelTypes, Head.SEQUENCE_CLASSIFICATION, family));
            all.add(new Architecture(v.stem + "ForTokenClassification", v.modelTypes, Head.TOKEN_CLASSIFICATION, family));
            all.add(new Architecture(v.stem + "ForMaskedLM", v.modelTypes, Head.MASKED_LM, family));
            all.add(new Architecture(v.stem + "ForQuestionAnswering", v.modelTypes, Head.QUESTION_ANSWERING, family));
        }
        return all;
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        String positions = c.textOr("position_embedding_type", "absolute");
        c.refuseUnless(positions.equals("absolute"), "position_embedding_type", "only absolute positions are implemented");
        c.refuseTrue("is_decoder");
        c.refuseTrue("add_cross_attention");
        int hidden = c.requireInt("hidden_size");
        int heads = c.requireInt("num_attention_heads");
        c.requireDivisible(hidden, "hidden_size", heads, "num_attention_heads");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 512);
        int typeVocab = c.intOr("type_vocab_size", 2);
        int pad = c.intOr("pad_token_id", variant.roberta() ? 1 : 0);
        c.put("head", architecture.head().programName())
                .put("vocab_size", vocab)
                .put("max_position_embeddings", maxPositions)
                .put("type_vocab_size", typeVocab)
                .put("hidden_size", hidden)
                .put("num_attention_heads", heads)
                .put("num_hidden_layers", c.requireInt("num_hidden_layers"))
                .put("intermediate_size", c.requireInt("intermediate_size"))
                .put("hidden_act", c.activation("hidden_act", "gelu"))
                .put("layer_norm_eps", c.doubleOr("layer_norm_eps", 1e-12))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true))
                .put("pad_token_id", pad)
                .put("num_labels", c.numLabels());
        // RoBERTa's positions start after the padding index, so the table holds pad + 1 fewer tokens
        int maxTokens = variant.roberta() ? maxPositions - pad - 1 : maxPositions;
        ModelFacts facts = new ModelFacts(vocab, maxTokens, typeVocab, !variant.roberta() && typeVocab > 1);
        return new ProgramConfig(ProgramKind.ENCODER, variant.modules, c.values(), facts);
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        Names n = new Names(variant.prefix, names);
        long h = config.intValue("hidden_size");
        long inner = config.intValue("intermediate_size");
        long vocab = config.intValue("vocab_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        String base = variant.prefix;
        plan.expectStored(base + ".embeddings.word_embeddings.weight", n.stored("embeddings.word_embeddings.weight"), vocab, h);
        plan.expectStored(base + ".embeddings.position_embeddings.weight", n.stored("embeddings.position_embeddings.weight"),
                config.intValue("max_position_embeddings"), h);
        plan.expectStored(base + ".embeddings.token_type_embeddings.weight", n.stored("embeddings.token_type_embeddings.weight"),
                config.intValue("type_vocab_size"), h);
        n.layerNorm(plan, "embeddings.LayerNorm", h);
        for (int i = 0; i < config.intValue("num_hidden_layers"); i++) {
            String layer = "encoder.layer." + i;
            for (String proj : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                n.linear(plan, layer + "." + proj, h, h);
            }
            n.layerNorm(plan, layer + ".attention.output.LayerNorm", h);
            n.linear(plan, layer + ".intermediate.dense", inner, h);
            n.linear(plan, layer + ".output.dense", h, inner);
            n.layerNorm(plan, layer + ".output.LayerNorm", h);
        }
        plan.owns(n.storedPrefix("embeddings")).owns(n.storedPrefix("encoder"));
        long labels = config.intValue("num_labels");
        switch (architecture.head()) {
            case SEQUENCE_CLASSIFICATION -> {
                if (variant.roberta()) {
                    plan.expect("classifier.dense.weight", h, h).expect("classifier.dense.bias", h)
                            .expect("classifier.out_proj.weight", labels, h).expect("classifier.out_proj.bias", labels);
                } else {
                    n.linear(plan, "pooler.dense", h, h);
                    plan.owns(n.storedPrefix("pooler"));
                    plan.expect("classifier.weight", labels, h).expect("classifier.bias", labels);
                }
                plan.owns("classifier");
            }
            case TOKEN_CLASSIFICATION -> plan.expect("classifier.weight", labels, h).expect("classifier.bias", labels)
                    .owns("classifier");
            case QUESTION_ANSWERING -> plan.expect("qa_outputs.weight", 2, h).expect("qa_outputs.bias", 2).owns("qa_outputs");
            case MASKED_LM -> maskedLm(plan, config.boolValue("tie_word_embeddings"), h, vocab);
            case BASE, CAUSAL_LM -> {
            }
        }
        return plan.build();
    }

    private void maskedLm(TensorPlan.Builder plan, boolean tied, long h, long vocab) {
        String head = variant.roberta() ? "lm_head" : "cls.predictions";
        String dense = variant.roberta() ? "lm_head.dense" : "cls.predictions.transform.dense";
        String norm = variant.roberta() ? "lm_head.layer_norm" : "cls.predictions.transform.LayerNorm";
        plan.expect(dense + ".weight", h, h).expect(dense + ".bias", h);
        plan.expectStored(norm + ".weight", Names.withLegacy(norm + ".weight"), h);
        plan.expectStored(norm + ".bias", Names.withLegacy(norm + ".bias"), h);
        // transformers ties decoder.bias to the head's bias; checkpoints store one or both
        plan.expectStored(head + ".bias", List.of(head + ".bias", head + ".decoder.bias"), vocab);
        plan.tolerate(head + ".decoder.bias");
        if (tied) {
            plan.tolerate(head + ".decoder.weight");
        } else {
            plan.expect(head + ".decoder.weight", vocab, h);
        }
        plan.owns(head);
    }
}
