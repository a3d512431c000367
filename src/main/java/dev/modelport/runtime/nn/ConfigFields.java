package dev.modelport.runtime.nn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/** Typed reads of config.json fields, with the defaults transformers' config classes use. */
public final class ConfigFields {

    private ConfigFields() {
    }

    public static int requireInt(JsonNode config, String field) {
        JsonNode n = config.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "config.json has no integer " + field);
        }
        return n.asInt();
    }

    public static int intOr(JsonNode config, String field, int fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asInt();
    }

    public static double doubleOr(JsonNode config, String field, double fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asDouble();
    }

    public static String textOr(JsonNode config, String field, String fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asText();
    }

    public static boolean boolOr(JsonNode config, String field, boolean fallback) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? fallback : n.asBoolean();
    }

    /** PretrainedConfig.num_labels: the size of id2label when given, else num_labels, else 2. */
    public static int numLabels(JsonNode config) {
        JsonNode id2label = config.get("id2label");
        if (id2label != null && id2label.isObject() && !id2label.isEmpty()) {
            return id2label.size();
        }
        return intOr(config, "num_labels", 2);
    }
}
