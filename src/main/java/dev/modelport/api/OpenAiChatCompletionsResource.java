package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationChatTemplate;
import dev.modelport.pipeline.GenerationResult;
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

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * OpenAI-compatible {@code POST /v1/chat/completions}: the messages are rendered with the
 * tokenizer's chat template (which already holds the special tokens, so none are added), then
 * generated from as a completion, {@code n} choices at once.
 */
@Path("/v1/chat/completions")
public class OpenAiChatCompletionsResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Inject
    GenerationTargets targets;
    @Inject
    ModelportConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    @RunOnVirtualThread
    public Response chat(JsonNode body, @Context HttpServerResponse connection) {
        OpenAiRequest request = OpenAiRequest.read(body, OpenAiRequest.Route.CHAT, config.limits().maxChoices());
        GenerationTargets.Target target = targets.require(request.model());
        GenerationChatTemplate template = target.pipeline().chatTemplate().orElseThrow(() -> new ModelportException(
                ErrorCode.UNSUPPORTED_TASK, "Deployment '" + request.model()
                        + "' has no chat_template in tokenizer_config.json; use /v1/completions"));
        List<Map<String, Object>> messages = OpenAiMessages.read(body.get("messages"), template.takesContentParts());
        String prompt = template.render(messages, Map.of(), true);
        List<OpenAiChoices.Choice> choices = OpenAiChoices.admit(target,
                List.of(() -> GenerationPrompt.of(target.pipeline(), prompt, false, request.parameters())), request.choices());
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        boolean logprobs = request.topLogprobs() != null;
        if (!request.stream()) {
            List<GenerationResult> results = OpenAiChoices.complete(choices);
            ObjectNode answer = OpenAiCompletionsResource.head(id, created, request.model(), "chat.completion");
            ArrayNode list = answer.putArray("choices");
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                ObjectNode choice = list.addObject();
                choice.put("index", i).putObject("message").put("role", "assistant").put("content", r.newText());
                choice.set("logprobs", logprobs ? OpenAiLogprobs.chat(r.tokens()) : NODES.nullNode());
                choice.put("finish_reason", OpenAiRequest.finishReason(r.finishReason()));
            }
            int[] usage = OpenAiChoices.usage(choices, results, request.choices());
            OpenAiCompletionsResource.usage(answer, usage[0], usage[1]);
            return Response.ok(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        return SseStream.response(connection, sse -> {
            boolean[] opened = new boolean[choices.size()];
            List<GenerationResult> results = OpenAiChoices.stream(choices, (c, token, finish) -> {
                // a choice's role chunk goes with its first token, so a client gone before it counts as cancelled
                if (!opened[c.index()]) {
                    opened[c.index()] = true;
                    ObjectNode opening = chunk(id, created, request.model(), c.index());
                    ((ObjectNode) opening.get("choices").get(0)).putObject("delta").put("role", "assistant").put("content", "");
                    if (!sse.send(opening)) {
                        return false;
                    }
                }
                ObjectNode chunk = chunk(id, created, request.model(), c.index());
                ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
                choice.putObject("delta").put("content", token.text());
                if (logprobs) {
                    ObjectNode lp = OpenAiLogprobs.chat(List.of(token));
                    lp.remove("refusal");
                    choice.set("logprobs", lp);
                }
                choice.put("finish_reason", finish == null ? null : OpenAiRequest.finishReason(finish));
                return sse.send(chunk);
            });
            if (!OpenAiChoices.cancelled(results)) {
                int[] usage = OpenAiChoices.usage(choices, results, request.choices());
                OpenAiCompletionsResource.sendUsage(sse, request,
                        OpenAiCompletionsResource.head(id, created, request.model(), "chat.completion.chunk"),
                        usage[0], usage[1]);
                sse.sendRaw("[DONE]");
            }
        });
    }

    private static ObjectNode chunk(String id, long created, String model, int index) {
        ObjectNode c = OpenAiCompletionsResource.head(id, created, model, "chat.completion.chunk");
        c.putArray("choices").addObject().put("index", index).putNull("logprobs").putNull("finish_reason");
        return c;
    }
}
