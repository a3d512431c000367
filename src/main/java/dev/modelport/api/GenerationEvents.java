package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationParams;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.serving.InferenceInput;
import jakarta.ws.rs.core.Response;

/**
 * {@code "stream": true} on the inference endpoint: one SSE event per token,
 * {@code {"token": {"id", "text", "logprob", "special"}, "generated_text": null, "details": null}}, the
 * last with {@code generated_text} and {@code details.finish_reason} (as Hugging Face TGI streams).
 */
final class GenerationEvents {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GenerationEvents() {
    }

    static boolean wantsStream(JsonNode body) {
        JsonNode stream = body == null ? null : body.get("stream");
        if (stream != null && !stream.isNull() && !stream.isBoolean()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "\"stream\" must be true or false");
        }
        return stream != null && stream.asBoolean(false);
    }

    static Response stream(TextGenerationPipeline pipeline, InferenceInput input) {
        if (!input.inputs().isTextual()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "Streaming takes one input string");
        }
        String prompt = input.inputs().asText();
        GenerationParams params = pipeline.parameters(input.parameters());
        int promptTokens = pipeline.checkPrompt(prompt, true);
        StringBuilder text = new StringBuilder(params.returnFullText() ? prompt : "");
        int[] count = {0};
        return SseStream.response(sse -> pipeline.generate(prompt, params, (token, finish) -> {
            text.append(token.text());
            count[0]++;
            ObjectNode event = NODES.objectNode();
            event.putObject("token").put("id", token.id()).put("text", token.text()).put("logprob", token.logprob())
                    .put("special", token.special());
            if (finish == null) {
                event.putNull("generated_text");
                event.putNull("details");
            } else {
                event.put("generated_text", text.toString());
                event.putObject("details").put("finish_reason", finish).put("generated_tokens", count[0])
                        .put("prompt_tokens", promptTokens);
            }
            return sse.send(event);
        }));
    }
}
