package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/**
 * An inference body in any accepted shape, normalised to the Inference API's inputs + parameters:
 * {@code {"inputs": ..., "parameters": {...}}}, or the seed's {@code {"text": "..."}} / {@code {"texts": [...]}}.
 */
public record InferenceInput(JsonNode inputs, JsonNode parameters) {

    public static InferenceInput parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT,
                    "Body must be a JSON object such as {\"inputs\": \"...\"} or {\"text\": \"...\"}");
        }
        JsonNode inputs = body.has("inputs") ? body.get("inputs") : body.has("text") ? body.get("text") : body.get("texts");
        if (inputs == null || inputs.isNull() || inputs.isMissingNode()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "Missing \"inputs\" (or \"text\" / \"texts\")");
        }
        if (body.has("texts") && !body.has("inputs") && !inputs.isArray()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "\"texts\" must be a list of strings");
        }
        JsonNode parameters = body.get("parameters");
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "\"parameters\" must be an object");
        }
        return new InferenceInput(inputs, parameters == null || parameters.isNull()
                ? JsonNodeFactory.instance.objectNode() : parameters);
    }

    /** Enforces the per-request limits: number of inputs and characters per text. */
    public void checkLimits(int maxInputs, int maxChars) {
        if (inputs.isArray() && inputs.size() > maxInputs) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE,
                    "Too many inputs: " + inputs.size() + " (limit MAX_INPUTS_PER_REQUEST=" + maxInputs + ")");
        }
        if (inputs.isArray() && inputs.isEmpty()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "\"inputs\" is an empty list");
        }
        checkChars(inputs, maxChars);
    }

    private static void checkChars(JsonNode node, int maxChars) {
        if (node.isTextual() && node.textValue().length() > maxChars) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "An input has " + node.textValue().length()
                    + " characters (limit MAX_INPUT_CHARS=" + maxChars + ")");
        }
        if (node.isContainerNode()) {
            node.forEach(child -> checkChars(child, maxChars));
        }
    }

    /** How many texts the request carries (a list counts each element). */
    public int count() {
        return inputs.isArray() ? inputs.size() : 1;
    }
}
