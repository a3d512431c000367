package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code inputs} of text-classification: a string, a text pair {@code {"text", "text_pair"}}
 * (transformers' pipeline shape; cross-encoders score (query, document) pairs this way), or a
 * non-empty list of either. {@link #batched()} says whether the caller sent a list.
 */
record TextPairInputs(List<Item> items, boolean batched) {

    /** One input: a text, and its pair or null. */
    record Item(String text, String pair) {
    }

    static TextPairInputs parse(JsonNode inputs) {
        if (inputs != null && (inputs.isTextual() || inputs.isObject())) {
            return new TextPairInputs(List.of(item(inputs, null)), false);
        }
        if (inputs != null && inputs.isArray()) {
            if (inputs.isEmpty()) {
                throw Params.invalid("'inputs' is an empty list");
            }
            List<Item> items = new ArrayList<>(inputs.size());
            for (int i = 0; i < inputs.size(); i++) {
                items.add(item(inputs.get(i), i));
            }
            return new TextPairInputs(List.copyOf(items), true);
        }
        throw Params.invalid("'inputs' must be a string, a {\"text\", \"text_pair\"} object, or a list of them");
    }

    private static Item item(JsonNode node, Integer index) {
        String where = index == null ? "'inputs'" : "'inputs'[" + index + "]";
        if (node.isTextual()) {
            return new Item(node.asText(), null);
        }
        if (!node.isObject()) {
            throw Params.invalid(where + " must be a string or a {\"text\", \"text_pair\"} object; found "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("text") && !name.equals("text_pair")) {
                throw Params.invalid(where + " has an unknown field '" + name + "'; a pair is {\"text\", \"text_pair\"}");
            }
        }
        JsonNode text = node.get("text");
        JsonNode pair = node.get("text_pair");
        if (text == null || !text.isTextual()) {
            throw Params.invalid(where + " needs \"text\" (a string)");
        }
        if (pair != null && !pair.isNull() && !pair.isTextual()) {
            throw Params.invalid(where + ".text_pair must be a string");
        }
        return new Item(text.asText(), pair == null || pair.isNull() ? null : pair.asText());
    }

    /** The items tokenized in order: single texts and pairs each through their own encoding. */
    List<Encoded> encode(TextEncoder encoder) {
        List<Integer> singles = new ArrayList<>();
        List<Integer> pairs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            (items.get(i).pair() == null ? singles : pairs).add(i);
        }
        Encoded[] out = new Encoded[items.size()];
        if (!singles.isEmpty()) {
            List<Encoded> encoded = encoder.encode(singles.stream().map(i -> items.get(i).text()).toList());
            for (int k = 0; k < singles.size(); k++) {
                out[singles.get(k)] = encoded.get(k);
            }
        }
        if (!pairs.isEmpty()) {
            List<Encoded> encoded = encoder.encodePairs(pairs.stream().map(i -> items.get(i).text()).toList(),
                    pairs.stream().map(i -> items.get(i).pair()).toList());
            for (int k = 0; k < pairs.size(); k++) {
                out[pairs.get(k)] = encoded.get(k);
            }
        }
        return List.of(out);
    }
}
