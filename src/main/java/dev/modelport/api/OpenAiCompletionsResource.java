package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.TokenIds;
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
import java.util.function.Supplier;

/**
 * OpenAI-compatible {@code POST /v1/completions}; {@code model} is the deployment id. {@code prompt}
 * is a string, a list of strings, a list of token ids or a list of token-id lists (ids are used as
 * they are); each prompt gets {@code n} choices.
 */
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
        OpenAiRequest request = OpenAiRequest.read(body, OpenAiRequest.Route.COMPLETIONS, config.limits().maxChoices());
        JsonNode promptNode = body.get("prompt");
        GenerationTargets.Target target = targets.require(request.model());
        List<Supplier<GenerationPrompt>> prompts = prompts(promptNode, target, request);
        List<OpenAiChoices.Choice> choices = OpenAiChoices.admit(target, prompts, request.choices());
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!request.stream()) {
            List<GenerationResult> results = OpenAiChoices.complete(choices);
            ObjectNode answer = head(id, created, request.model(), "text_completion");
            ArrayNode list = answer.putArray("choices");
            for (int i = 0; i < results.size(); i++) {
                GenerationResult r = results.get(i);
                choice(list, i, r.newText(), OpenAiRequest.finishReason(r.finishReason()),
                        request.topLogprobs() == null ? null : OpenAiLogprobs.completion(r.tokens(), 0));
            }
            int[] usage = OpenAiChoices.usage(choices, results, request.choices());
            usage(answer, usage[0], usage[1]);
            return Response.ok(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        return SseStream.response(connection, sse -> {
            int[] offsets = new int[choices.size()];
            List<GenerationResult> results = OpenAiChoices.stream(choices, (c, token, finish) -> {
                ObjectNode chunk = head(id, created, request.model(), "text_completion");
                ObjectNode logprobs = null;
                if (request.topLogprobs() != null) {
                    logprobs = OpenAiLogprobs.completion(List.of(token), offsets[c.index()]);
                    offsets[c.index()] += OpenAiLogprobs.length(List.of(token));
                }
                choice(chunk.putArray("choices"), c.index(), token.text(),
                        finish == null ? null : OpenAiRequest.finishReason(finish), logprobs);
                return sse.send(chunk);
            });
            if (!OpenAiChoices.cancelled(results)) {
                int[] usage = OpenAiChoices.usage(choices, results, request.choices());
                sendUsage(sse, request, head(id, created, request.model(), "text_completion"), usage[0], usage[1]);
                sse.sendRaw("[DONE]");
            }
        });
    }

    /** The prompts of {@code prompt}: one string, a list of strings, token ids, or a list of token-id lists. */
    private List<Supplier<GenerationPrompt>> prompts(JsonNode node, GenerationTargets.Target target, OpenAiRequest request) {
        if (node != null && node.isTextual()) {
            return List.of(text(node.asText(), target, request));
        }
        if (TokenIds.isSequence(node)) {
            long[] ids = TokenIds.read(node);
            return List.of(() -> GenerationPrompt.ofIds(target.pipeline(), ids, request.parameters()));
        }
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw OpenAiRequest.invalid("\"prompt\" must be a string, a list of strings, a list of token ids"
                    + " or a list of token-id lists");
        }
        if (node.size() > config.limits().maxInputsPerRequest()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "Too many prompts: " + node.size()
                    + " (limit MAX_INPUTS_PER_REQUEST=" + config.limits().maxInputsPerRequest() + ")");
        }
        List<Supplier<GenerationPrompt>> prompts = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (item.isTextual()) {
                prompts.add(text(item.asText(), target, request));
            } else if (TokenIds.isSequence(item)) {
                long[] ids = TokenIds.read(item);
                prompts.add(() -> GenerationPrompt.ofIds(target.pipeline(), ids, request.parameters()));
            } else {
                throw OpenAiRequest.invalid("each item of \"prompt\" must be a string or a non-empty list of token ids"
                        + " (integers); found " + item.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return prompts;
    }

    private Supplier<GenerationPrompt> text(String prompt, GenerationTargets.Target target, OpenAiRequest request) {
        if (prompt.length() > config.limits().maxInputChars()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "The prompt has " + prompt.length()
                    + " characters (limit MAX_INPUT_CHARS=" + config.limits().maxInputChars() + ")");
        }
        return () -> GenerationPrompt.of(target.pipeline(), prompt, true, request.parameters());
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

    private static void choice(ArrayNode choices, int index, String text, String finish, ObjectNode logprobs) {
        ObjectNode c = choices.addObject();
        c.put("text", text).put("index", index).set("logprobs", logprobs == null ? NODES.nullNode() : logprobs);
        c.put("finish_reason", finish);
    }

    static void usage(ObjectNode answer, int promptTokens, int completionTokens) {
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
    }
}
