package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of config.json with transformers' defaults, the refusals families share, and the
 * string map handed to a program ({@link #put}). Families read through it so that a field a program
 * needs and a field it refuses are both written down in one place.
 */
public final class ConfigReader {

    private final JsonNode config;
    private final String architecture;
    private final Map<String, String> values = new LinkedHashMap<>();

    public ConfigReader(JsonNode config, String architecture) {
        this.config = config;
        this.architecture = architecture;
    }

    public JsonNode json() {
        return config;
    }

    public boolean has(String field) {
        JsonNode n = config.get(field);
        return n != null && !n.isNull();
    }

    public int requireInt(String field) {
        JsonNode n = config.get(field);
        if (n == null || !n.canConvertToInt() || !n.isNumber()) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "config.json has no integer " + field);
        }
        return n.asInt();
    }

    public int intOr(String field, int fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asInt();
    }

    public double doubleOr(String field, double fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asDouble();
    }

    public String textOr(String field, String fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    public boolean boolOr(String field, boolean fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asBoolean();
    }

    /** PretrainedConfig.num_labels: the size of id2label when given, else num_labels, else 2. */
    public int numLabels() {
        JsonNode id2label = config.get("id2label");
        if (id2label != null && id2label.isObject() && !id2label.isEmpty()) {
            return id2label.size();
        }
        return intOr("num_labels", 2);
    }

    /** Refuses a setting whose value the program does not implement. */
    public void refuseUnless(boolean supported, String field, String why) {
        if (!supported) {
            throw unsupported(field + " = " + textOr(field, "null") + ": " + why);
        }
    }

    /** Refuses a boolean setting that is true. */
    public void refuseTrue(String field) {
        refuseUnless(!boolOr(field, false), field, "not supported by the " + architecture + " program");
    }

    public ModelportException unsupported(String what) {
        return new ModelportException(ErrorCode.UNSUPPORTED_MODEL_CONFIG,
                "config.json of " + architecture + ": " + what + "; refused rather than run differently from transformers");
    }

    /** A transformers ACT2FN name as programs/nn.py's activation() knows it. */
    public String activation(String field, String fallback) {
        String name = textOr(field, fallback).toLowerCase(Locale.ROOT);
        return switch (name) {
            case "gelu", "gelu_python" -> "gelu";
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_accurate" -> "gelu_tanh";
            case "relu" -> "relu";
            case "silu", "swish" -> "silu";
            case "quick_gelu" -> "quick_gelu";
            case "tanh" -> "tanh";
            default -> throw unsupported(field + " '" + name + "' (supported: gelu, gelu_new, gelu_pytorch_tanh,"
                    + " gelu_fast, relu, silu, quick_gelu, tanh)");
        };
    }

    /** A value for the program. */
    public ConfigReader put(String key, Object value) {
        values.put(key, value instanceof Double d ? Double.toString(d) : String.valueOf(value));
        return this;
    }

    public ConfigReader putInts(String key, List<Integer> list) {
        values.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
        return this;
    }

    public Map<String, String> values() {
        return values;
    }

    public void requireDivisible(int value, String field, int by, String byField) {
        if (by <= 0 || value % by != 0) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    "config.json: " + field + " " + value + " is not a multiple of " + byField + " " + by);
        }
    }
}
