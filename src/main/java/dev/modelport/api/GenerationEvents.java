package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GeneratedToken;
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
 *
 * <p>Two endings: the seed's (the wrapped inference route and the WebSocket: {@code generated_text}
 * starts with the prompt when return_full_text is on, {@code details.prompt_tokens}) and TGI's (the raw
 * Hugging Face routes: {@code generated_text} is the new text alone, {@code details} holds
 * {@code finish_reason, generated_tokens, seed, input_length}, and each event its 1-based {@code index}),
 * which is what {@code huggingface_hub.InferenceClient} and TGI's own clients parse.
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

    /** {@link #stream} with TGI's events (the raw Hugging Face routes). */
    static Response streamTgi(GenerationTargets.Generating target, InferenceInput input, HttpServerResponse connection) {
        TokenStream tokens = open(target, input).tgi(input.parameters().get("seed"));
        return SseStream.response(connection, sse -> tokens.run(sse::send));
    }

    /** One token as TGI writes it in events and in {@code details.tokens}. */
    static ObjectNode token(ObjectNode into, GeneratedToken token) {
        return into.put("id", token.id()).put("text", token.text()).put("logprob", token.logprob()).put("special", token.special());
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

    /**
     * An admitted generation whose events go to a sink; the sink answers false once its client is gone.
     *
     * @param tgiSeed null for the seed's ending, else TGI's ending with this {@code seed} (JSON null when none was given)
     */
    record TokenStream(GenerationCall call, PreparedGeneration prompt, JsonNode tgiSeed) {
        TokenStream(GenerationCall call, PreparedGeneration prompt) {
            this(call, prompt, null);
        }

        TokenStream tgi(JsonNode seed) {
            return new TokenStream(call, prompt, seed == null ? NODES.nullNode() : seed);
        }

        GenerationResult run(Predicate<ObjectNode> sink) {
            boolean tgi = tgiSeed != null;
            StringBuilder text = new StringBuilder(tgi ? "" : prompt.textBefore());
            int[] count = {0};
            return call.stream((token, finish) -> {
                text.append(token.text());
                count[0]++;
                ObjectNode event = NODES.objectNode();
                if (tgi) {
                    event.put("index", count[0]);
                }
                token(event.putObject("token"), token);
                if (finish == null) {
                    event.putNull("generated_text");
                    event.putNull("details");
                } else {
                    event.put("generated_text", text.toString());
                    ObjectNode details = event.putObject("details").put("finish_reason", finish).put("generated_tokens", count[0]);
                    if (tgi) {
                        details.set("seed", tgiSeed);
                        details.put("input_length", prompt.promptTokens());
                    } else {
                        details.put("prompt_tokens", prompt.promptTokens());
                    }
                }
                return sink.test(event);
            }, prompt::generate);
        }
    }
}
