package dev.modelport.runtime.distilbert;

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

/**
 * DistilBERT (programs/distilbert.py, which borrows bert.py's per-token head). Sinusoidal position
 * tables are stored in the checkpoint like learned ones, so both load alike; a bare
 * {@code DistilBertModel} save has no {@code distilbert.} prefix.
 */
public final class DistilBertFamily implements ModelFamily {

    private static final String PREFIX = "distilbert";
    private static final Set<String> MODEL_TYPES = Set.of("distilbert");

    public static List<Architecture> architectures() {
        DistilBertFamily f = new DistilBertFamily();
        return List.of(
                new Architecture("DistilBertModel", MODEL_TYPES, Head.BASE, f),
                new Architecture("DistilBertForSequenceClassification", MODEL_TYPES, Head.SEQUENCE_CLASSIFICATION, f),
                new Architecture("DistilBertForTokenClassification", MODEL_TYPES, Head.TOKEN_CLASSIFICATION, f),
                new Architecture("DistilBertForMaskedLM", MODEL_TYPES, Head.MASKED_LM, f),
                new Architecture("DistilBertForQuestionAnswering", MODEL_TYPES, Head.QUESTION_ANSWERING, f));
    }

    @Override
    public ProgramConfig configure(Architecture architecture, JsonNode json) {
        ConfigReader c = new ConfigReader(json, architecture.name());
        int dim = c.requireInt("dim");
        int heads = c.requireInt("n_heads");
        c.requireDivisible(dim, "dim", heads, "n_heads");
        int vocab = c.requireInt("vocab_size");
        int maxPositions = c.intOr("max_position_embeddings", 512);
        c.put("head", architecture.head().programName())
                .put("vocab_size", vocab)
                .put("max_position_embeddings", maxPositions)
                .put("dim", dim)
                .put("n_heads", heads)
                .put("n_layers", c.requireInt("n_layers"))
                .put("hidden_dim", c.requireInt("hidden_dim"))
                .put("activation", c.activation("activation", "gelu"))
                .put("tie_word_embeddings", c.boolOr("tie_word_embeddings", true))
                .put("num_labels", c.numLabels());
        return new ProgramConfig(ProgramKind.ENCODER, List.of("bert", "distilbert"), c.values(),
                new ModelFacts(vocab, maxPositions, 0, false));
    }

    @Override
    public TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> names) {
        boolean prefixed = names.stream().anyMatch(n -> n.startsWith(PREFIX + "."));
        String stored = prefixed ? PREFIX + "." : "";
        long d = config.intValue("dim");
        long hiddenDim = config.intValue("hidden_dim");
        long vocab = config.intValue("vocab_size");
        TensorPlan.Builder plan = TensorPlan.builder(architecture.name());
        base(plan, stored, "embeddings.word_embeddings.weight", vocab, d);
        base(plan, stored, "embeddings.position_embeddings.weight", config.intValue("max_position_embeddings"), d);
        base(plan, stored, "embeddings.LayerNorm.weight", d);
        base(plan, stored, "embeddings.LayerNorm.bias", d);
        for (int i = 0; i < config.intValue("n_layers"); i++) {
            String layer = "transformer.layer." + i + ".";
            for (String lin : List.of("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin")) {
                base(plan, stored, layer + lin + ".weight", d, d);
                base(plan, stored, layer + lin + ".bias", d);
            }
            for (String norm : List.of("sa_layer_norm", "output_layer_norm")) {
                base(plan, stored, layer + norm + ".weight", d);
                base(plan, stored, layer + norm + ".bias", d);
            }
            base(plan, stored, layer + "ffn.lin1.weight", hiddenDim, d);
            base(plan, stored, layer + "ffn.lin1.bias", hiddenDim);
            base(plan, stored, layer + "ffn.lin2.weight", d, hiddenDim);
            base(plan, stored, layer + "ffn.lin2.bias", d);
        }
        plan.owns(stored + "embeddings").owns(stored + "transformer");
        long labels = config.intValue("num_labels");
        switch (architecture.head()) {
            case SEQUENCE_CLASSIFICATION -> plan.expect("pre_classifier.weight", d, d).expect("pre_classifier.bias", d)
                    .expect("classifier.weight", labels, d).expect("classifier.bias", labels)
                    .owns("pre_classifier").owns("classifier");
            case TOKEN_CLASSIFICATION -> plan.expect("classifier.weight", labels, d).expect("classifier.bias", labels)
                    .owns("classifier");
            case QUESTION_ANSWERING -> plan.expect("qa_outputs.weight", 2, d).expect("qa_outputs.bias", 2).owns("qa_outputs");
            case MASKED_LM -> {
                plan.expect("vocab_transform.weight", d, d).expect("vocab_transform.bias", d)
                        .expect("vocab_layer_norm.weight", d).expect("vocab_layer_norm.bias", d)
                        .expect("vocab_projector.bias", vocab);
                if (config.boolValue("tie_word_embeddings")) {
                    plan.tolerate("vocab_projector.weight");
                } else {
                    plan.expect("vocab_projector.weight", vocab, d);
                }
                plan.owns("vocab_transform").owns("vocab_layer_norm").owns("vocab_projector");
            }
            case BASE, CAUSAL_LM -> {
            }
        }
        return plan.build();
    }

    private static void base(TensorPlan.Builder plan, String stored, String key, long... shape) {
        plan.expectStored(PREFIX + "." + key, List.of(stored + key), shape);
    }
}
