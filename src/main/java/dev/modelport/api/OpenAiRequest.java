package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/**
 * The fields the OpenAI completion routes share, read from the body and turned into the
 * text-generation parameters: {@code max_tokens} (OpenAI's default 16), {@code temperature}
 * (default 1, sampling; 0 is greedy), {@code top_p}, {@code stop}, {@code seed}, {@code stream}. Only
 * {@code n = 1} is served.
 */
record OpenAiRequest(String model, boolean stream, boolean includeUsage, JsonNode parameters) {
    private static final int OPENAI_DEFAULT_MAX_TOKENS = 16;

    static OpenAiRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("Body must be a JSON object with \"model\"");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual()) {
            throw invalid("\"model\" (the deployment id) is required");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && (!n.canConvertToInt() || n.asInt() != 1)) {
            throw invalid("only \"n\": 1 is supported");
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("\"stream\" must be true or false");
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("return_full_text", false);
        JsonNode maxTokens = body.has("max_tokens") ? body.get("max_tokens") : body.get("max_completion_tokens");
        p.set("max_new_tokens", maxTokens == null || maxTokens.isNull()
                ? JsonNodeFactory.instance.numberNode(OPENAI_DEFAULT_MAX_TOKENS) : maxTokens);
        JsonNode temperature = body.get("temperature");
        double t = temperature != null && temperature.isNumber() ? temperature.asDouble() : 1.0;
        if (temperature != null && !temperature.isNull()) {
            p.set("temperature", temperature);
        }
        p.put("do_sample", t > 0);
        // OpenAI samples from the whole vocabulary; transformers' top_k default 50 does not apply
        p.putNull("top_k");
        copy(body, p, "top_p");
        copy(body, p, "stop");
        copy(body, p, "seed");
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw invalid("\"stream_options\" must be an object");
        }
        JsonNode include = options == null ? null : options.get("include_usage");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw invalid("\"stream_options.include_usage\" must be true or false");
        }
        return new OpenAiRequest(model.asText(), stream != null && stream.asBoolean(false),
                include != null && include.asBoolean(false), p);
    }

    private static void copy(JsonNode body, ObjectNode p, String name) {
        if (body.has(name) && !body.get(name).isNull()) {
            p.set(name, body.get(name));
        }
    }

    static ModelportException invalid(String message) {
        return new ModelportException(ErrorCode.INVALID_INPUT, message);
    }

    /** OpenAI's finish reasons: stop for eos or a stop string, length at max_tokens or the context. */
    static String finishReason(String reason) {
        return switch (reason) {
            case "eos_token", "stop_sequence" -> "stop";
            case "length" -> "length";
            default -> reason;
        };
    }
}
