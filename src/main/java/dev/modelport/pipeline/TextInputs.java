package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code inputs} of the text tasks: one string or a non-empty list of strings. {@link #batched()}
 * says whether the caller sent a list, which decides whether the answer is a list of outputs.
 */
record TextInputs(List<String> texts, boolean batched) {

    static TextInputs parse(JsonNode inputs) {
        if (inputs != null && inputs.isTextual()) {
            return new TextInputs(List.of(inputs.asText()), false);
        }
        if (inputs != null && inputs.isArray()) {
            if (inputs.isEmpty()) {
                throw Params.invalid("'inputs' is an empty list");
            }
            List<String> texts = new ArrayList<>(inputs.size());
            for (JsonNode item : inputs) {
                if (!item.isTextual()) {
                    throw Params.invalid("'inputs' must be a string or a list of strings; found " + item.getNodeType()
                            .name().toLowerCase(java.util.Locale.ROOT) + " in the list");
                }
                texts.add(item.asText());
            }
            return new TextInputs(List.copyOf(texts), true);
        }
        throw Params.invalid("'inputs' must be a string or a list of strings");
    }
}
