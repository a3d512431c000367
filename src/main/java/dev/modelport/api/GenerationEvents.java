package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.PreparedGeneration;
import dev.modelport.serving.GenerationCall;
import dev.modelport.serving.InferenceInput;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.core.Response;

import java.util.function.Predicate;

/**
 * Token events of a streamed generation, as Hugging Face TGI streams them: one per token,
 * {@code {"token": {"id", "text", "logprob", "special"}, "generated_text": null, "details": null}}, the
 * last with {@code generated_text} and {@code details.finish_reason}. Sent as Server-Sent Events for
 * {@code "stream": true} on the inference endpoint, and as frames on a generating WebSocket.
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

    static Response stream(GenerationTargets.Generating target, InferenceInput input, HttpServerResponse connection) {
        TokenStream tokens = open(target, input);
        return SseStream.response(connection, sse -> tokens.run(sse::send));
    }

    /**
     * Admits and checks one streamed generation of an inference body; QUEUE_FULL, bad parameters and
     * a prompt over the context are thrown here, before any event.
     */
    static TokenStream open(GenerationTargets.Generating target, InferenceInput input) {
        if (!input.inputs().isTextual()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "Streaming takes one input string");
        }
        String prompt = input.inputs().asText();
        GenerationCall call = target.model().admitGeneration();
        return new TokenStream(call, call.prepare(() -> target.pipeline().prepare(prompt, input.parameters(), true)));
    }

    /** An admitted generation whose events go to a sink; the sink answers false once its client is gone. */
    record TokenStream(GenerationCall call, PreparedGeneration prompt) {
        GenerationResult run(Predicate<ObjectNode> sink) {
            StringBuilder text = new StringBuilder(prompt.textBefore());
            int[] count = {0};
            return call.stream((token, finish) -> {
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
                            .put("prompt_tokens", prompt.promptTokens());
                }
                return sink.test(event);
            }, prompt::generate);
        }
    }
}
