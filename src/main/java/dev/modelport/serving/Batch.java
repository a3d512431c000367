package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests that run as one pipeline call. Text requests (a string, a text pair, or a list of them) with equal
 * parameters merge: their texts are concatenated in arrival order, the pipeline answers a list with
 * one output per text, and {@link #split} hands each request back its own part (element i for a
 * string, its slice for a list). Anything else (question-answering objects, sentence-similarity)
 * runs alone. Sorting by length would not save padding here: one call pads to its longest row
 * whatever the order.
 */
final class Batch {
    private final List<InferenceInput> members = new ArrayList<>();
    private final int maxTexts;
    private final boolean mergeable;
    private int texts;

    Batch(InferenceInput first, int maxTexts) {
        this.maxTexts = maxTexts;
        this.mergeable = maxTexts > 1 && isText(first.inputs());
        members.add(first);
        texts = first.count();
    }

    /** Adds the request if it can share this call and fits; false leaves the batch unchanged. */
    boolean tryAdd(InferenceInput next) {
        if (!hasRoom() || !isText(next.inputs()) || !next.parameters().equals(parameters())
                || texts + next.count() > maxTexts) {
            return false;
        }
        members.add(next);
        texts += next.count();
        return true;
    }

    /** Whether another request could still join. */
    boolean hasRoom() {
        return mergeable && texts < maxTexts;
    }

    int texts() {
        return texts;
    }

    List<InferenceInput> members() {
        return members;
    }

    JsonNode parameters() {
        return members.getFirst().parameters();
    }

    /** The one list of texts the pipeline runs for the given members (all text requests). */
    static ArrayNode merge(List<InferenceInput> members) {
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (InferenceInput m : members) {
            if (m.inputs().isArray()) {
                all.addAll((ArrayNode) m.inputs());
            } else {
                all.add(m.inputs());
            }
        }
        return all;
    }

    /** Each member's part of the merged output, in member order. */
    static List<JsonNode> split(JsonNode merged, List<InferenceInput> members) {
        int total = members.stream().mapToInt(InferenceInput::count).sum();
        if (!merged.isArray() || merged.size() != total) {
            throw new IllegalStateException("A merged call over " + total + " texts answered "
                    + (merged.isArray() ? merged.size() + " outputs" : "a " + merged.getNodeType()));
        }
        List<JsonNode> parts = new ArrayList<>(members.size());
        int at = 0;
        for (InferenceInput m : members) {
            if (m.inputs().isArray()) {
                ArrayNode slice = JsonNodeFactory.instance.arrayNode(m.count());
                for (int i = 0; i < m.count(); i++) {
                    slice.add(merged.get(at + i));
                }
                parts.add(slice);
            } else {
                parts.add(merged.get(at));
            }
            at += m.count();
        }
        return parts;
    }

    /**
     * A string or a text pair {@code {"text", "text_pair"}} (text-classification's cross-encoder
     * input; the rerank route sends its (query, text) pairs so), or a non-empty list of them: inputs
     * whose outputs are per item.
     */
    static boolean isText(JsonNode inputs) {
        if (isItem(inputs)) {
            return true;
        }
        if (!inputs.isArray() || inputs.isEmpty()) {
            return false;
        }
        for (JsonNode item : inputs) {
            if (!isItem(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isItem(JsonNode node) {
        if (node.isTextual()) {
            return true;
        }
        if (!node.isObject() || node.size() != 2 || !node.path("text").isTextual() || !node.path("text_pair").isTextual()) {
            return false;
        }
        return true;
    }
}
