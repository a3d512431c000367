package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationChatTemplate;
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

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions}: the messages are rendered with the
 * tokenizer's chat template (which already holds the special tokens, so none are added), then
 * generated from as a completion.
 */
@Path("/v1/chat/completions")
public class OpenAiChatCompletionsResource {

    @Inject
    GenerationTargets targets;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    @RunOnVirtualThread
    public Response chat(JsonNode body, @Context HttpServerResponse connection) {
        OpenAiRequest request = OpenAiRequest.read(body);
        List<GenerationChatTemplate.Message> messages = messages(body.get("messages"));
        GenerationTargets.Target target = targets.require(request.model());
        GenerationChatTemplate template = target.pipeline().chatTemplate().orElseThrow(() -> new ModelportException(
                ErrorCode.UNSUPPORTED_TASK, "Deployment '" + request.model()
                        + "' has no chat_template in tokenizer_config.json; use /v1/completions"));
        String prompt = template.render(messages);
        GenerationCall call = target.model().admitGeneration();
        GenerationPrompt p = call.prepare(() -> GenerationPrompt.of(target.pipeline(), prompt, false, request.parameters()));
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            GenerationResult r = call.complete(p::generate);
            ObjectNode answer = OpenAiCompletionsResource.head(id, created, request.model(), "chat.completion");
            ObjectNode choice = answer.putArray("choices").addObject();
            choice.put("index", 0).putObject("message").put("role", "assistant").put("content", r.newText());
            choice.put("finish_reason", OpenAiRequest.finishReason(r.finishReason()));
            OpenAiCompletionsResource.usage(answer, p.tokens(), r.generatedTokens());
            return Response.ok(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        return SseStream.response(connection, sse -> {
            ObjectNode opening = chunk(id, created, request.model());
            ((ObjectNode) opening.get("choices").get(0)).putObject("delta").put("role", "assistant").put("content", "");
            boolean[] opened = {false};
            GenerationResult r = call.stream((token, finish) -> {
                // the role chunk goes with the first token, so a client gone before it counts as cancelled
                if (!opened[0] && !(opened[0] = sse.send(opening))) {
                    return false;
                }
                ObjectNode c = chunk(id, created, request.model());
                ObjectNode choice = (ObjectNode) c.get("choices").get(0);
                choice.putObject("delta").put("content", token.text());
                choice.put("finish_reason", finish == null ? null : OpenAiRequest.finishReason(finish));
                return sse.send(c);
            }, p::generate);
            if (!"cancelled".equals(r.finishReason())) {
                OpenAiCompletionsResource.sendUsage(sse, request,
                        OpenAiCompletionsResource.head(id, created, request.model(), "chat.completion.chunk"),
                        p.tokens(), r.generatedTokens());
                sse.sendRaw("[DONE]");
            }
        });
    }

    private static ObjectNode chunk(String id, long created, String model) {
        ObjectNode c = OpenAiCompletionsResource.head(id, created, model, "chat.completion.chunk");
        c.putArray("choices").addObject().put("index", 0).putNull("finish_reason");
        return c;
    }

    private static List<GenerationChatTemplate.Message> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw OpenAiRequest.invalid("\"messages\" must be a non-empty list of {\"role\", \"content\"}");
        }
        List<GenerationChatTemplate.Message> out = new ArrayList<>();
        for (JsonNode m : node) {
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw OpenAiRequest.invalid("each message needs a string \"role\" and a string \"content\"");
            }
            out.add(new GenerationChatTemplate.Message(role.asText(), content.asText()));
        }
        return out;
    }
}
