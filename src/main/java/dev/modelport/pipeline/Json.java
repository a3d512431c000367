package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for the Jackson trees pipelines read and write. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Reads an optional JSON file of a snapshot; a missing file is a missing node. */
    static JsonNode readOptional(Path file) {
        if (!Files.isRegularFile(file)) {
            return NODES.missingNode();
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "Cannot parse " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** A token given either as a plain string or as a serialized AddedToken {@code {"content": ...}}. */
    static String tokenText(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        JsonNode content = node.get("content");
        return content != null && content.isTextual() ? content.asText() : null;
    }
}
