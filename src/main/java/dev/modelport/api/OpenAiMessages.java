package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat request's {@code messages} as the chat template receives them: {@code role} and
 * {@code content}, the content a string or a list of parts. Only text parts are served: for a
 * template that loops over the parts they go to it as a list of {@code {"type": "text", "text"}},
 * otherwise their texts are joined with newlines, as vLLM does; image, audio and file parts are
 * refused naming their type.
 */
final class OpenAiMessages {

    private OpenAiMessages() {
    }

    static List<Map<String, Object>> read(JsonNode node, boolean templateTakesParts) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw OpenAiRequest.invalid("\"messages\" must be a non-empty list of {\"role\", \"content\"}");
        }
        List<Map<String, Object>> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !(content.isTextual() || content.isArray())) {
                throw OpenAiRequest.invalid("each message needs a string \"role\" and a \"content\" that is a string"
                        + " or a list of text parts");
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", role.asText());
            message.put("content", content.isTextual() ? content.asText() : parts(content, i, templateTakesParts));
            out.add(message);
        }
        return out;
    }

    private static Object parts(JsonNode content, int message, boolean templateTakesParts) {
        List<Map<String, Object>> parts = new ArrayList<>(content.size());
        List<String> texts = new ArrayList<>(content.size());
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if (!type.equals("text")) {
                throw OpenAiRequest.invalid("messages[" + message + "] has a content part of type \""
                        + (type.isEmpty() ? part.getNodeType().name().toLowerCase(java.util.Locale.ROOT) : type)
                        + "\"; only \"text\" parts are supported (this deployment serves text-generation)");
            }
            JsonNode text = part.get("text");
            if (text == null || !text.isTextual()) {
                throw OpenAiRequest.invalid("messages[" + message + "] has a text part without a string \"text\"");
            }
            texts.add(text.asText());
            Map<String, Object> plain = new LinkedHashMap<>();
            plain.put("type", "text");
            plain.put("text", text.asText());
            parts.add(plain);
        }
        return templateTakesParts ? parts : String.join("\n", texts);
    }
}
