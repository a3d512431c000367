package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The bare task outputs of the Hugging Face Inference API where they differ from the pipelines'
 * (transformers') own, which the wrapped route keeps: what {@code huggingface_hub.InferenceClient}
 * parses.
 * <ul>
 *   <li>text-classification of one string: a list holding its one list of labels ({@code [[{label, score}]]}),
 *       as for a list of strings; the client takes element 0 as the labels</li>
 *   <li>zero-shot-classification: {@code [{label, score}]} sorted by score instead of
 *       {@code {sequence, labels, scores}} (one such list per input of a list)</li>
 * </ul>
 * Every other task's output is the pipeline's as it is.
 */
final class HfApiShapes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HfApiShapes() {
    }

    static JsonNode of(String task, JsonNode inputs, JsonNode result) {
        return switch (task) {
            case "text-classification" -> !inputs.isArray() && result.isArray() && !result.isEmpty() && result.get(0).isObject()
                    ? NODES.arrayNode().add(result) : result;
            case "zero-shot-classification" -> result.isArray() ? each(result) : labelScores(result);
            default -> result;
        };
    }

    private static JsonNode each(JsonNode results) {
        ArrayNode out = NODES.arrayNode();
        results.forEach(r -> out.add(labelScores(r)));
        return out;
    }

    private static JsonNode labelScores(JsonNode result) {
        if (!result.isObject() || !result.has("labels") || !result.has("scores")) {
            return result;
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < result.get("labels").size(); i++) {
            out.addObject().put("label", result.get("labels").get(i).asText()).set("score", result.get("scores").get(i));
        }
        return out;
    }
}
