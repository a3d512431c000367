package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.serving.GenerationCall;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.UUID;

/** OpenAI-compatible {@code POST /v1/completions}; {@code model} is the deployment id. */
@Path("/v1/completions")
public class OpenAiCompletionsResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Inject
    GenerationTargets targets;
    @Inject
    ModelportConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    @RunOnVirtualThread
    public Response complete(JsonNode body, @Context HttpServerResponse connection) {
        OpenAiRequest request = OpenAiRequest.read(body);
        JsonNode promptNode = body.get("prompt");
        if (promptNode == null || !promptNode.isTextual()) {
            throw OpenAiRequest.invalid("\"prompt\" must be a string");
        }
        String prompt = promptNode.asText();
        if (prompt.length() > config.limits().maxInputChars()) {
            throw new dev.modelport.config.ModelportException(dev.modelport.config.ErrorCode.INPUT_TOO_LARGE,
                    "The prompt has " + prompt.length() + " characters (limit MAX_INPUT_CHARS=" + config.limits().maxInputChars() + ")");
        }
        GenerationTargets.Target target = targets.require(request.model());
        GenerationCall call = target.model().admitGeneration();
        GenerationPrompt p = call.prepare(() -> GenerationPrompt.of(target.pipeline(), prompt, true, request.parameters()));
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            GenerationResult r = call.complete(p::generate);
            ObjectNode answer = head(id, created, request.model(), "text_completion");
            choice(answer, r.newText(), OpenAiRequest.finishReason(r.finishReason()));
            usage(answer, p.tokens(), r.generatedTokens());
            return Response.ok(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        return SseStream.response(connection, sse -> {
            GenerationResult r = call.stream((token, finish) -> {
                ObjectNode chunk = head(id, created, request.model(), "text_completion");
                choice(chunk, token.text(), finish == null ? null : OpenAiRequest.finishReason(finish));
                return sse.send(chunk);
            }, p::generate);
            if (!"cancelled".equals(r.finishReason())) {
                sendUsage(sse, request, head(id, created, request.model(), "text_completion"), p.tokens(), r.generatedTokens());
                sse.sendRaw("[DONE]");
            }
        });
    }

    /** With {@code stream_options.include_usage}: one more chunk, with no choices and the usage. */
    static void sendUsage(SseStream sse, OpenAiRequest request, ObjectNode chunk, int promptTokens, int completionTokens) {
        if (request.includeUsage()) {
            chunk.putArray("choices");
            usage(chunk, promptTokens, completionTokens);
            sse.send(chunk);
        }
    }

    static ObjectNode head(String id, long created, String model, String object) {
        ObjectNode n = NODES.objectNode();
        n.put("id", id).put("object", object).put("created", created).put("model", model);
        return n;
    }

    private static void choice(ObjectNode answer, String text, String finish) {
        ObjectNode c = answer.putArray("choices").addObject();
        c.put("text", text).put("index", 0).putNull("logprobs");
        c.put("finish_reason", finish);
    }

    static void usage(ObjectNode answer, int promptTokens, int completionTokens) {
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }
}
