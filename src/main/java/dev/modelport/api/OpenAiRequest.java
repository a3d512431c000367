package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationParams;

/**
 * The fields the OpenAI completion routes share, read from the body and turned into the
 * text-generation parameters: {@code max_tokens} (OpenAI's default 16), {@code temperature}
 * (default 1, sampling; 0 is greedy), {@code top_p}, {@code stop}, {@code seed}, {@code stream},
 * {@code n} (up to MAX_CHOICES), the log-probabilities asked for, and {@code response_format}
 * (only {@code text}; JSON modes are refused, not silently ignored).
 *
 * @param choices {@code n}
 * @param topLogprobs null without logprobs; else how many alternatives each token lists
 */
record OpenAiRequest(String model, boolean stream, boolean includeUsage, JsonNode parameters, int choices,
                     Integer topLogprobs) {
    private static final int OPENAI_DEFAULT_MAX_TOKENS = 16;

    /** Which route's form of {@code logprobs} is read. */
    enum Route {
        /** {@code logprobs: N} (an integer, the alternatives per token). */
        COMPLETIONS,
        /** {@code logprobs: true} with {@code top_logprobs: N}. */
        CHAT
    }

    static OpenAiRequest read(JsonNode body, Route route, int maxChoices) {
        if (body == null || !body.isObject()) {
            throw invalid("Body must be a JSON object with \"model\"");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual()) {
            throw invalid("\"model\" (the deployment id) is required");
        }
        int n = choices(body.get("n"), maxChoices);
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("\"stream\" must be true or false");
        }
        responseFormat(body.get("response_format"));
        Integer topLogprobs = route == Route.CHAT ? chatLogprobs(body) : completionLogprobs(body.get("logprobs"));
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
        if (topLogprobs != null) {
            p.put("top_n_tokens", topLogprobs);
        }
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw invalid("\"stream_options\" must be an object");
        }
        JsonNode include = options == null ? null : options.get("include_usage");
        if (include != null && !include.isNull() && !include.isBoolean()) {
            throw invalid("\"stream_options.include_usage\" must be true or false");
        }
        return new OpenAiRequest(model.asText(), stream != null && stream.asBoolean(false),
                include != null && include.asBoolean(false), p, n, topLogprobs);
    }

    private static int choices(JsonNode n, int maxChoices) {
        if (n == null || n.isNull()) {
            return 1;
        }
        if (!n.canConvertToExactIntegral() || n.asInt() < 1) {
            throw invalid("\"n\" must be a positive integer");
        }
        if (n.asInt() > maxChoices) {
            throw invalid("\"n\" is " + n.asInt() + "; at most " + maxChoices + " choices per request (MAX_CHOICES)");
        }
        return n.asInt();
    }

    /** {@code {"type": "text"}} is the default; the JSON modes would need constrained decoding, which is not implemented. */
    private static void responseFormat(JsonNode format) {
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.isObject() ? format.path("type").asText("") : "";
        if (type.equals("text")) {
            return;
        }
        if (type.equals("json_object") || type.equals("json_schema")) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "\"response_format\": {\"type\": \"" + type
                    + "\"} is not implemented (no constrained decoding); only {\"type\": \"text\"} is served");
        }
        throw invalid("\"response_format\" must be an object whose \"type\" is \"text\", \"json_object\" or \"json_schema\"");
    }

    /** Chat: {@code logprobs: true} turns them on, {@code top_logprobs} (0 to 20) needs it. */
    private static Integer chatLogprobs(JsonNode body) {
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !logprobs.isBoolean()) {
            throw invalid("\"logprobs\" must be true or false");
        }
        JsonNode top = body.get("top_logprobs");
        boolean on = logprobs != null && logprobs.asBoolean(false);
        if (top == null || top.isNull()) {
            return on ? 0 : null;
        }
        if (!on) {
            throw invalid("\"top_logprobs\" needs \"logprobs\": true");
        }
        return count(top, "top_logprobs");
    }

    /** Completions: {@code logprobs: N}, the alternatives per token (0 to 20). */
    private static Integer completionLogprobs(JsonNode logprobs) {
        return logprobs == null || logprobs.isNull() ? null : count(logprobs, "logprobs");
    }

    private static int count(JsonNode node, String name) {
        int max = GenerationParams.MAX_TOP_N_TOKENS;
        if (!node.canConvertToExactIntegral() || node.isBoolean() || node.asInt() < 0 || node.asInt() > max) {
            throw invalid("\"" + name + "\" must be an integer from 0 to " + max);
        }
        return node.asInt();
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
