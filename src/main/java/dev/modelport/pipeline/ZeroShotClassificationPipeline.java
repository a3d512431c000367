package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * zero-shot-classification on an NLI sequence classifier, as transformers'
 * ZeroShotClassificationPipeline computes it: each (sequence, {@code hypothesis_template} with the
 * label) pair is classified, the premise truncated first; with one label or {@code multi_label},
 * each label's score is the softmax of its entailment and contradiction logits; otherwise the
 * softmax of the entailment logits over the labels. Answers {@code {"sequence", "labels",
 * "scores"}} per input, labels sorted by score. The entailment id is the first label of
 * {@code label2id} whose name starts with "entail" (any case); the contradiction id is 0, or the
 * last label when entailment is 0.
 */
final class ZeroShotClassificationPipeline implements Pipeline {
    static final String DEFAULT_TEMPLATE = "This example is {}.";

    private final PipelineContext context;
    private final TextEncoder pairs;
    private final int entailmentId;

    ZeroShotClassificationPipeline(PipelineContext context, TextEncoder pairs) {
        this.context = context;
        this.pairs = pairs;
        this.entailmentId = entailmentId(context.files().config());
        if (entailmentId < 0) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "zero-shot-classification needs an NLI model: "
                    + "config.json's label2id has no label starting with \"entail\"");
        }
    }

    /** The first label2id entry (in config.json's order) whose name starts with "entail"; -1 if none. */
    static int entailmentId(JsonNode config) {
        for (Iterator<Map.Entry<String, JsonNode>> it = config.path("label2id").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().toLowerCase(java.util.Locale.ROOT).startsWith("entail") && e.getValue().canConvertToInt()) {
                return e.getValue().asInt();
            }
        }
        return -1;
    }

    @Override
    public Task task() {
        return Task.ZERO_SHOT_CLASSIFICATION;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        TextInputs texts = TextInputs.parse(inputs);
        Params params = Params.of(parameters);
        List<String> labels = candidateLabels(parameters, params);
        String template = params.has("hypothesis_template") && !parameters.get("hypothesis_template").isNull()
                ? textParam(parameters.get("hypothesis_template")) : DEFAULT_TEMPLATE;
        List<String> hypotheses = new ArrayList<>(labels.size());
        for (String label : labels) {
            hypotheses.add(format(template, label));
        }
        if (hypotheses.getFirst().equals(template)) {
            throw Params.invalid("The hypothesis_template \"" + template + "\" has no {} where the label goes");
        }
        boolean multiLabel = params.bool("multi_label", false);

        List<String> premises = new ArrayList<>();
        List<String> hypothesisRows = new ArrayList<>();
        for (String text : texts.texts()) {
            premises.addAll(java.util.Collections.nCopies(labels.size(), text));
            hypothesisRows.addAll(hypotheses);
        }
        FloatTensor logits = context.forward(pairs.encodePairs(premises, hypothesisRows));
        int classes = logits.dim(1);
        if (entailmentId >= classes) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "the entailment id " + entailmentId
                    + " is outside the model's " + classes + " labels");
        }
        int contradictionId = entailmentId == 0 ? classes - 1 : 0;
        ArrayNode results = Json.array();
        for (int s = 0; s < texts.texts().size(); s++) {
            double[] scores = new double[labels.size()];
            if (multiLabel || labels.size() == 1) {
                for (int l = 0; l < labels.size(); l++) {
                    float[] row = logits.row(s * labels.size() + l);
                    double[] pair = Activations.softmax(new float[] {row[contradictionId], row[entailmentId]});
                    scores[l] = pair[1];
                }
            } else {
                float[] entail = new float[labels.size()];
                for (int l = 0; l < labels.size(); l++) {
                    entail[l] = logits.row(s * labels.size() + l)[entailmentId];
                }
                scores = Activations.softmax(entail);
            }
            results.add(output(texts.texts().get(s), labels, scores));
        }
        return texts.batched() ? results : results.get(0);
    }

    private static ObjectNode output(String sequence, List<String> labels, double[] scores) {
        Integer[] order = new Integer[labels.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // transformers: reversed(argsort(scores)); among equal scores the later label first
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i).reversed());
        ObjectNode out = Json.object().put("sequence", sequence);
        ArrayNode sortedLabels = out.putArray("labels");
        ArrayNode sortedScores = out.putArray("scores");
        for (int i : order) {
            sortedLabels.add(labels.get(i));
            sortedScores.add(scores[i]);
        }
        return out;
    }

    /** A list of labels, or one string of comma-separated labels (each stripped, empty ones dropped). */
    private static List<String> candidateLabels(JsonNode parameters, Params params) {
        JsonNode raw = parameters == null ? null : parameters.get("candidate_labels");
        List<String> labels = new ArrayList<>();
        if (raw != null && raw.isTextual()) {
            for (String part : raw.asText().split(",")) {
                if (!part.strip().isEmpty()) {
                    labels.add(part.strip());
                }
            }
        } else {
            List<String> given = params.stringList("candidate_labels");
            if (given != null) {
                labels.addAll(given);
            }
        }
        if (labels.isEmpty()) {
            throw Params.invalid("zero-shot-classification needs \"parameters\": {\"candidate_labels\": [...]} with at least one label");
        }
        return labels;
    }

    private static String textParam(JsonNode node) {
        if (!node.isTextual()) {
            throw Params.invalid("'hypothesis_template' must be a string such as \"This example is {}.\"");
        }
        return node.asText();
    }

    /**
     * Python's {@code template.format(label)} for the templates people write: {@code {}} and
     * {@code {0}} take the label, {@code {{} and {@code }}} are literal braces; anything else in
     * braces is refused, as Python would raise.
     */
    static String format(String template, String label) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                if (template.startsWith("{{", i)) {
                    out.append('{');
                    i += 2;
                } else if (template.startsWith("{}", i)) {
                    out.append(label);
                    i += 2;
                } else if (template.startsWith("{0}", i)) {
                    out.append(label);
                    i += 3;
                } else {
                    throw Params.invalid("'hypothesis_template' may use {} (or {0}) for the label and {{ }} for braces");
                }
            } else if (c == '}') {
                if (!template.startsWith("}}", i)) {
                    throw Params.invalid("'hypothesis_template' has a single '}'; write }} for a brace");
                }
                out.append('}');
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @Override
    public void listen(StageListener listener) {
        context.listen(listener);
    }

    @Override
    public void close() {
        pairs.close();
        context.encoder().close();
    }
}
