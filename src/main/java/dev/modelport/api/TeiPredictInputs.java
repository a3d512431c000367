package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelport.pipeline.Tokenization;

import java.util.ArrayList;
import java.util.List;

/**
 * TEI's {@code /predict} inputs: a text, a pair {@code ["a", "b"]}, or a batch whose items are
 * {@code ["a"]} or {@code ["a", "b"]}. As text-classification inputs they become texts and
 * {@code {"text", "text_pair"}} objects, the pipeline's own shape.
 */
record TeiPredictInputs(List<List<String>> items, boolean batched) {

    static TeiPredictInputs parse(JsonNode inputs) {
        if (inputs.isTextual()) {
            return new TeiPredictInputs(List.of(List.of(inputs.asText())), false);
        }
        if (inputs.isArray() && !inputs.isEmpty() && inputs.get(0).isTextual()) {
            return new TeiPredictInputs(List.of(item(inputs)), false);
        }
        if (inputs.isArray() && !inputs.isEmpty()) {
            List<List<String>> items = new ArrayList<>(inputs.size());
            for (JsonNode item : inputs) {
                items.add(item(item));
            }
            return new TeiPredictInputs(items, true);
        }
        throw shape();
    }

    private static List<String> item(JsonNode item) {
        if (!item.isArray() || item.isEmpty() || item.size() > 2) {
            throw shape();
        }
        List<String> texts = new ArrayList<>(2);
        for (JsonNode text : item) {
            if (!text.isTextual()) {
                throw shape();
            }
            texts.add(text.asText());
        }
        return texts;
    }

    private static RuntimeException shape() {
        return TeiRequests.invalid("\"inputs\" must be a string, a pair [\"a\", \"b\"], or a list of [\"a\"] and"
                + " [\"a\", \"b\"] items");
    }

    /** Tokens of each input as the classifier sees it (a pair as one row). */
    int[] lengths(Tokenization tokenization) {
        int[] out = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            List<String> item = items.get(i);
            out[i] = item.size() == 1 ? tokenization.lengths(item, null)[0]
                    : tokenization.pairLengths(List.of(item.get(0)), List.of(item.get(1)))[0];
        }
        return out;
    }

    /** The text-classification pipeline's inputs, always a list. */
    ArrayNode classifierInputs() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (List<String> item : items) {
            if (item.size() == 1) {
                out.add(item.getFirst());
            } else {
                out.addObject().put("text", item.get(0)).put("text_pair", item.get(1));
            }
        }
        return out;
    }
}
