package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.PreparedGeneration;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.serving.GenerationCall;
import dev.modelport.serving.InferenceInput;
import dev.modelport.serving.ServedModel;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * The Hugging Face Inference API's and TGI's own routes for one deployment, so their clients work
 * unchanged ({@code InferenceClient(model="http://host:8000/models/<id>")}, TGI's {@code Client}):
 * <ul>
 *   <li>{@code POST /models/{id}}: the inference body of {@code /api/v1/deployments/{id}/inference}, answered
 *       with the bare task output (no {@code status}/{@code result} wrapper; text-generation's new text unless
 *       {@code return_full_text}, as TGI answers); {@code parameters.details}
 *       adds TGI's {@code details}; {@code "stream": true} streams TGI's events</li>
 *   <li>{@code POST /models/{id}/generate}: TGI's {@code {"generated_text", "details"?}} object,
 *       {@code POST /models/{id}/generate_stream}: TGI's events</li>
 *   <li>{@code /models/{id}/v1/...}: the OpenAI routes with {@code id} as the model whatever the body names,
 *       where {@code InferenceClient.chat_completion} and OpenAI SDKs given this base URL post</li>
 * </ul>
 * Only the envelope is new: parsing, limits, serving and errors are the wrapped route's.
 */
@Path("/models")
@Produces(MediaType.APPLICATION_JSON)
public class HfModelsResource {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SSE = "text/event-stream";

    @Inject
    GenerationTargets targets;
    @Inject
    ModelportConfig config;
    @Inject
    ObjectMapper json;
    @Inject
    OpenAiChatCompletionsResource chat;
    @Inject
    OpenAiCompletionsResource completions;
    @Inject
    OpenAiEmbeddingsResource embeddings;
    @Inject
    OpenAiModelsResource models;

    /** How a route answers a generation: the Inference API's list, TGI's object, TGI's stream. */
    private enum Shape { INFERENCE_API, TGI, TGI_STREAM }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, SSE})
    @RunOnVirtualThread
    public Response infer(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        return answer(id, body, connection, Shape.INFERENCE_API);
    }

    @POST
    @Path("{id}/generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    public Response generate(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        return answer(id, body, connection, Shape.TGI);
    }

    @POST
    @Path("{id}/generate_stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({SSE, MediaType.APPLICATION_JSON})
    @RunOnVirtualThread
    public Response generateStream(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        return answer(id, body, connection, Shape.TGI_STREAM);
    }

    @POST
    @Path("{id}/v1/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, SSE})
    @RunOnVirtualThread
    public Response chat(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        return chat.chat(withModel(body, id), connection);
    }

    @POST
    @Path("{id}/v1/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, SSE})
    @RunOnVirtualThread
    public Response complete(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        return completions.complete(withModel(body, id), connection);
    }

    @POST
    @Path("{id}/v1/embeddings")
    @RunOnVirtualThread
    public Response embed(@PathParam("id") String id, String body) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (Exception e) {
            return embeddings.embeddings(body); // its own error for malformed JSON
        }
        return embeddings.embeddings(withModel(tree, id).toString());
    }

    @GET
    @Path("{id}/v1/models")
    public Response listModels(@PathParam("id") String id) {
        Response one = models.get(id);
        if (one.getStatus() != 200) {
            return one;
        }
        return Response.ok(new OpenAiModelList("list", List.of((OpenAiModelList.Model) one.getEntity()))).build();
    }

    private Response answer(String id, JsonNode body, HttpServerResponse connection, Shape shape) {
        ServedModel model = targets.served(id);
        InferenceInput input = tgiDefaults(model, InferenceInput.parse(body));
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        boolean stream = shape == Shape.TGI_STREAM || (shape == Shape.INFERENCE_API && GenerationEvents.wantsStream(body));
        if (stream) {
            return GenerationEvents.streamTgi(targets.requireGenerating(id), input, connection);
        }
        if (shape == Shape.TGI || wantsDetails(input)) {
            ObjectNode answer = generateWithDetails(targets.requireGenerating(id), input);
            return ok(shape == Shape.TGI ? answer : NODES.arrayNode().add(answer));
        }
        return ok(HfApiShapes.of(model.task(), input.inputs(), model.infer(input).result()));
    }

    /**
     * TGI's {@code return_full_text} defaults to false where the wrapped route's (transformers' pipeline's)
     * is true: these routes give the new text unless asked otherwise, as TGI does and as
     * {@code InferenceClient.text_generation} expects (its streamed tokens and {@code details} are the new text's).
     */
    private static InferenceInput tgiDefaults(ServedModel model, InferenceInput input) {
        if (!(model.pipeline() instanceof TextGenerationPipeline) || input.parameters().has("return_full_text")
                || !input.parameters().isObject()) {
            return input;
        }
        ObjectNode parameters = ((ObjectNode) input.parameters()).deepCopy().put("return_full_text", false);
        return new InferenceInput(input.inputs(), parameters);
    }

    /** One generation answered whole as TGI does: {@code generated_text}, and {@code details} when asked for. */
    private static ObjectNode generateWithDetails(GenerationTargets.Generating target, InferenceInput input) {
        if (!input.inputs().isTextual()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "TGI's routes and \"details\" take one input string");
        }
        String prompt = input.inputs().asText();
        GenerationCall call = target.model().admitGeneration();
        PreparedGeneration prepared = call.prepare(() -> target.pipeline().prepare(prompt, input.parameters(), true));
        GenerationResult r = call.complete(prepared::generate);
        ObjectNode answer = NODES.objectNode().put("generated_text", r.generatedText());
        if (wantsDetails(input)) {
            ObjectNode details = answer.putObject("details").put("finish_reason", r.finishReason())
                    .put("generated_tokens", r.generatedTokens());
            details.set("seed", input.parameters().path("seed").isIntegralNumber() ? input.parameters().get("seed") : NODES.nullNode());
            details.putArray("prefill");
            ArrayNode tokens = details.putArray("tokens");
            r.tokens().forEach(t -> GenerationEvents.token(tokens.addObject(), t));
        }
        return answer;
    }

    private static boolean wantsDetails(InferenceInput input) {
        JsonNode details = input.parameters().get("details");
        if (details != null && !details.isNull() && !details.isBoolean()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "'details' must be true or false");
        }
        return details != null && details.asBoolean(false);
    }

    /** The body with {@code model} set to the path's deployment: on this base URL the path names the model. */
    private static JsonNode withModel(JsonNode body, String id) {
        if (body == null || !body.isObject()) {
            return body;
        }
        return ((ObjectNode) body.deepCopy()).put("model", id);
    }

    private static Response ok(JsonNode entity) {
        return Response.ok(entity).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
