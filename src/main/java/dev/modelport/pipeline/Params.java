package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Inference API's {@code parameters} object, read with validation: a wrong type or value is the
 * client's error (INVALID_INPUT naming the parameter), never a silent default.
 */
final class Params {
    private final JsonNode node;

    private Params(JsonNode node) {
        this.node = node;
    }

    static Params of(JsonNode parameters) {
        if (parameters != null && !parameters.isNull() && !parameters.isMissingNode() && !parameters.isObject()) {
            throw invalid("'parameters' must be an object");
        }
        return new Params(parameters == null || parameters.isMissingNode() ? Json.NODES.nullNode() : parameters);
    }

    boolean has(String name) {
        return node.isObject() && node.has(name);
    }

    /** True when the parameter is present with an explicit JSON null. */
    boolean isExplicitNull(String name) {
        return has(name) && node.get(name).isNull();
    }

    int positiveInt(String name, int defaultValue) {
        if (!has(name) || node.get(name).isNull()) {
            return defaultValue;
        }
        JsonNode value = node.get(name);
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() < 1) {
            throw invalid("'" + name + "' must be a positive integer, got " + value);
        }
        return value.asInt();
    }

    /** A JSON number, or the default when absent or null. */
    double number(String name, double defaultValue) {
        if (!has(name) || node.get(name).isNull()) {
            return defaultValue;
        }
        JsonNode value = node.get(name);
        if (!value.isNumber()) {
            throw invalid("'" + name + "' must be a number, got " + value);
        }
        return value.asDouble();
    }

    boolean bool(String name, boolean defaultValue) {
        if (!has(name) || node.get(name).isNull()) {
            return defaultValue;
        }
        JsonNode value = node.get(name);
        if (!value.isBoolean()) {
            throw invalid("'" + name + "' must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    Boolean optionalBool(String name) {
        return has(name) && !node.get(name).isNull() ? bool(name, false) : null;
    }

    /** A string from a fixed set of choices (compared case-insensitively), or the default when absent. */
    String choice(String name, Set<String> allowed, String defaultValue) {
        if (!has(name) || node.get(name).isNull()) {
            return defaultValue;
        }
        JsonNode value = node.get(name);
        String text = value.isTextual() ? value.asText().toLowerCase(java.util.Locale.ROOT) : null;
        if (text == null || !allowed.contains(text)) {
            throw invalid("'" + name + "' must be one of " + new java.util.TreeSet<>(allowed) + ", got " + value);
        }
        return text;
    }

    /** A string; null when absent or null. */
    String text(String name) {
        if (!has(name) || node.get(name).isNull()) {
            return null;
        }
        JsonNode value = node.get(name);
        if (!value.isTextual()) {
            throw invalid("'" + name + "' must be a string, got " + value);
        }
        return value.asText();
    }

    /** A string or a list of strings; null when absent. */
    List<String> stringList(String name) {
        if (!has(name) || node.get(name).isNull()) {
            return null;
        }
        JsonNode value = node.get(name);
        List<String> out = new ArrayList<>();
        if (value.isTextual()) {
            out.add(value.asText());
            return out;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isTextual()) {
                    throw invalid("'" + name + "' must be a string or a list of strings");
                }
                out.add(item.asText());
            }
            return out;
        }
        throw invalid("'" + name + "' must be a string or a list of strings");
    }

    static ModelportException invalid(String message) {
        return new ModelportException(ErrorCode.INVALID_INPUT, message);
    }
}
