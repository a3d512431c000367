package dev.modelport.pipeline;

import dev.modelport.runtime.FloatTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * text-classification: one {@code [{"label","score"}]} list per input, sorted by score, {@code top_k}
 * entries (default 1, null = all), scores from {@code function_to_apply} (transformers' defaults:
 * none for regression, sigmoid for multi-label or a single label, softmax otherwise). An input is a
 * text or a text pair {@code {"text", "text_pair"}} (a cross-encoder's (query, document)), tokenized
 * as the tokenizer's pair template; for a pair without {@code top_k} transformers answers the bare
 * {@code {"label","score"}}, and this answers the same one-entry list as for a text (docs/ARCHITECTURE.md).
 */
final class TextClassificationPipeline implements Pipeline {
    static final Set<String> FUNCTIONS = Set.of("softmax", "sigmoid", "none");

    private final PipelineContext context;
    private final Tokenization tokenization;

    TextClassificationPipeline(PipelineContext context) {
        this.context = context;
        this.tokenization = new Tokenization(context, null);
    }

    @Override
    public Task task() {
        return Task.TEXT_CLASSIFICATION;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        TextPairInputs texts = TextPairInputs.parse(inputs);
        Params params = Params.of(parameters);
        Integer topK = params.isExplicitNull("top_k") ? null : params.positiveInt("top_k", 1);
        String function = params.choice("function_to_apply", FUNCTIONS, null);

        FloatTensor logits = context.forward(texts.encode(context.encoder()));
        Labels labels = Labels.of(context.files().config(), logits.dim(1));
        String applied = function != null ? function : defaultFunction(context.files().config(), labels.count());
        ArrayNode results = Json.array();
        for (int b = 0; b < texts.items().size(); b++) {
            ArrayNode one = Json.array();
            for (LabelScore s : score(logits.row(b), applied, topK, labels)) {
                one.addObject().put("label", s.label()).put("score", s.score());
            }
            results.add(one);
        }
        return texts.batched() ? results : results.get(0);
    }

    record LabelScore(String label, double score) {
    }

    /** transformers' default for a config that names no function. */
    static String defaultFunction(JsonNode config, int labelCount) {
        String problemType = config.path("problem_type").asText("");
        if (problemType.equals("regression")) {
            return "none";
        }
        if (problemType.equals("multi_label_classification") || labelCount == 1) {
            return "sigmoid";
        }
        return "softmax";
    }

    static List<LabelScore> score(float[] logits, String function, Integer topK, Labels labels) {
        double[] scores = switch (function) {
            case "softmax" -> Activations.softmax(logits);
            case "sigmoid" -> Activations.sigmoid(logits);
            default -> Activations.identity(logits);
        };
        List<LabelScore> out = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            out.add(new LabelScore(labels.name(i), scores[i]));
        }
        // a stable sort keeps label order among ties, as Python's sort does
        out.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return topK == null ? out : out.subList(0, Math.min(topK, out.size()));
    }

    @Override
    public java.util.Optional<Tokenization> tokenization() {
        return java.util.Optional.of(tokenization);
    }

    /** config.json's labels, as TEI's /info shows a classifier's. */
    @Override
    public JsonNode describe() {
        var id2label = Json.object();
        var label2id = Json.object();
        JsonNode config = context.files().config();
        Labels labels = Labels.of(config, new dev.modelport.runtime.ConfigReader(config, "").numLabels());
        for (int i = 0; i < labels.count(); i++) {
            id2label.put(Integer.toString(i), labels.name(i));
            label2id.put(labels.name(i), i);
        }
        var out = Json.object();
        out.set("id2label", id2label);
        out.set("label2id", label2id);
        return out;
    }

    @Override
    public void listen(StageListener listener) {
        context.listen(listener);
    }

    @Override
    public void close() {
        tokenization.close();
        context.encoder().close();
    }
}
