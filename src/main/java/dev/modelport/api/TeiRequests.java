package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads the fields of TEI's request bodies, with TEI's defaults; a bad value is INVALID_REQUEST (422 on TEI routes). */
final class TeiRequests {
    private TeiRequests() {
    }

    /** The body as a JSON object holding only {@code fields}. */
    static JsonNode object(ObjectMapper json, String raw, Set<String> fields) {
        JsonNode body;
        try {
            body = json.readTree(raw == null ? "" : raw);
        } catch (Exception e) {
            throw invalid("Body is not valid JSON");
        }
        if (body == null || body.isMissingNode()) {
            throw invalid("Body must be a JSON object");
        }
        return fields(body, "Body", fields);
    }

    /** {@code node}, which must be an object holding only {@code fields}. */
    static JsonNode fields(JsonNode node, String what, Set<String> fields) {
        if (!node.isObject()) {
            throw invalid(what + " must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw invalid("Unknown field \"" + name + "\"; this route takes " + new TreeSet<>(fields));
            }
        }
        return node;
    }

    /** TEI's {@code inputs}: a string or a non-empty list of strings. */
    static List<String> texts(JsonNode inputs) {
        if (inputs.isTextual()) {
            return List.of(inputs.asText());
        }
        if (inputs.isArray() && !inputs.isEmpty()) {
            List<String> texts = new ArrayList<>(inputs.size());
            for (JsonNode item : inputs) {
                if (!item.isTextual()) {
                    throw invalid("\"inputs\" must be a string or a list of strings (token ids are not accepted here)");
                }
                texts.add(item.asText());
            }
            return texts;
        }
        throw invalid("\"inputs\" must be a string or a non-empty list of strings");
    }

    static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid("\"" + field + "\" must be a string");
        }
        return v.asText();
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw invalid("\"" + field + "\" must be true or false");
        }
        return v.asBoolean();
    }

    static Integer positiveInt(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw invalid("\"" + field + "\" must be a positive integer");
        }
        return v.asInt();
    }

    /** TEI's {@code truncation_direction}: "Right" (default) or "Left", in either case; true for Left. */
    static boolean leftTruncation(JsonNode body) {
        String direction = text(body, "truncation_direction");
        if (direction == null || direction.equalsIgnoreCase("right")) {
            return false;
        }
        if (direction.equalsIgnoreCase("left")) {
            return true;
        }
        throw invalid("\"truncation_direction\" must be \"Right\" or \"Left\"");
    }

    /** TEI's {@code ids}: a list of token ids, or a list of such lists (at most {@code max}). */
    static List<long[]> ids(JsonNode ids, int max) {
        if (!ids.isArray() || ids.isEmpty()) {
            throw invalid("\"ids\" must be a non-empty list of token ids or a list of such lists");
        }
        if (!ids.get(0).isArray()) {
            return List.of(idList(ids));
        }
        if (ids.size() > max) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE,
                    "Too many inputs: " + ids.size() + " (limit MAX_INPUTS_PER_REQUEST=" + max + ")");
        }
        List<long[]> out = new ArrayList<>(ids.size());
        for (JsonNode list : ids) {
            out.add(idList(list));
        }
        return out;
    }

    private static long[] idList(JsonNode list) {
        if (!list.isArray()) {
            throw invalid("\"ids\" mixes lists and ids");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode id = list.get(i);
            if (!id.isIntegralNumber() || id.asLong() < 0 || id.asLong() > Integer.MAX_VALUE) {
                throw invalid("\"ids\" must hold non-negative integer token ids");
            }
            out[i] = id.asLong();
        }
        return out;
    }

    static ModelportException invalid(String message) {
        return new ModelportException(ErrorCode.INVALID_REQUEST, message);
    }
}
