package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.Deployment;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.pipeline.TokenIds;
import dev.modelport.serving.InferenceInput;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServedModel;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's {@code POST /v1/embeddings}, {@code model} being a deployment id. The texts go through
 * the deployment's batcher like any inference request; errors come in OpenAI's shape.
 */
@Path("/v1/embeddings")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiEmbeddingsResource {
    private static final Logger LOG = Logger.getLogger(OpenAiEmbeddingsResource.class);
    private static final Set<String> FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user");
    private static final Set<String> EMBEDDING_TASKS = Set.of("feature-extraction", "sentence-similarity");

    @Inject
    DeploymentRegistry registry;
    @Inject
    ModelServer server;
    @Inject
    ModelportConfig config;
    @Inject
    ObjectMapper json;

    /** Takes the raw body so that even malformed JSON is answered in OpenAI's error shape. */
    @POST
    @RunOnVirtualThread
    public Response embeddings(String body) {
        try {
            return Response.ok(embed(parse(body))).build();
        } catch (ModelportException e) {
            if (e.code().category().httpStatus() >= 500) {
                LOG.errorf(e, "%s: %s", e.code(), e.getMessage());
            }
            return OpenAiError.response(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("embeddings failed", e);
            return OpenAiError.response(ErrorCode.INTERNAL_ERROR, "Internal error; see logs/deployment.log");
        }
    }

    /**
     * @param inputs the pipeline's inputs: a list of strings, or a list of token-id lists
     * @param texts the strings (for the token count); null for token ids, whose count is their length
     */
    private record Request(String model, ArrayNode inputs, List<String> texts, boolean base64, Integer dimensions) {
    }

    private OpenAiEmbeddingList embed(Request req) {
        ServedModel model = served(req.model());
        InferenceInput input = new InferenceInput(req.inputs(), JsonNodeFactory.instance.objectNode());
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        JsonNode vectors = model.infer(input).result();
        List<OpenAiEmbeddingList.Item> data = new ArrayList<>(vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = OpenAiVectors.read(vectors.get(i));
            if (req.dimensions() != null) {
                v = OpenAiVectors.truncate(v, req.dimensions());
            }
            data.add(new OpenAiEmbeddingList.Item("embedding", i, req.base64() ? OpenAiVectors.base64(v) : v));
        }
        int tokens = 0;
        if (req.texts() == null) {
            for (JsonNode ids : req.inputs()) {
                tokens += ids.size();
            }
        } else {
            tokens = model.countTokens(req.texts()).orElse(0);
        }
        return new OpenAiEmbeddingList("list", data, req.model(), new OpenAiEmbeddingList.Usage(tokens, tokens));
    }

    private ServedModel served(String id) {
        Deployment d = registry.find(id).orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND,
                "The model '" + id + "' does not exist; use a deployment id (GET /v1/models lists them)"));
        DeploymentSnapshot s = d.snapshot();
        if (s.task() != null && !EMBEDDING_TASKS.contains(s.task())) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "Deployment '" + id + "' serves " + s.task()
                    + "; /v1/embeddings needs a feature-extraction or sentence-similarity deployment");
        }
        return server.find(id).filter(m -> s.status() == DeploymentStatus.COMPLETED)
                .orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment '" + id + "' is "
                        + s.status().wireName() + " (" + Math.round(s.progress()) + "%), not ready for inference"));
    }

    private Request parse(String body) {
        JsonNode tree;
        try {
            tree = json.readTree(body == null ? "" : body);
        } catch (Exception e) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "Body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "Body must be a JSON object such as {\"model\": \"my-deployment\", \"input\": \"text\"}");
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new ModelportException(ErrorCode.INVALID_REQUEST, "Unrecognized request argument: " + name
                        + "; known: " + FIELDS);
            }
        }
        JsonNode model = tree.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "\"model\" (a deployment id) is required");
        }
        JsonNode input = tree.path("input");
        boolean base64 = base64(tree.path("encoding_format"));
        Integer dimensions = dimensions(tree.path("dimensions"));
        ArrayNode inputs = JsonNodeFactory.instance.arrayNode();
        // token ids (what LangChain's OpenAIEmbeddings sends by default) go to the model as they are
        if (TokenIds.isSequence(input)) {
            inputs.add(input);
            return new Request(model.asText(), inputs, null, base64, dimensions);
        }
        if (TokenIds.isBatch(input)) {
            inputs.addAll((ArrayNode) input);
            return new Request(model.asText(), inputs, null, base64, dimensions);
        }
        List<String> texts = texts(input);
        texts.forEach(inputs::add);
        return new Request(model.asText(), inputs, texts, base64, dimensions);
    }

    private static List<String> texts(JsonNode input) {
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        if (input.isArray() && !input.isEmpty()) {
            List<String> texts = new ArrayList<>(input.size());
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new ModelportException(ErrorCode.INVALID_INPUT, "\"input\" must be a string, a list of strings,"
                            + " a list of token ids or a list of token-id lists (each non-empty), not a mix");
                }
                texts.add(item.asText());
            }
            return texts;
        }
        throw new ModelportException(ErrorCode.INVALID_INPUT, "\"input\" must be a string, a non-empty list of strings,"
                + " a list of token ids or a list of token-id lists");
    }

    private static boolean base64(JsonNode format) {
        if (format.isMissingNode() || format.isNull() || "float".equals(format.asText(null))) {
            return false;
        }
        if ("base64".equals(format.asText(null)) && format.isTextual()) {
            return true;
        }
        throw new ModelportException(ErrorCode.INVALID_REQUEST, "\"encoding_format\" must be \"float\" or \"base64\"");
    }

    private static Integer dimensions(JsonNode dimensions) {
        if (dimensions.isMissingNode() || dimensions.isNull()) {
            return null;
        }
        if (!dimensions.isIntegralNumber() || dimensions.asInt() < 1) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "\"dimensions\" must be a positive integer");
        }
        return dimensions.asInt();
    }
}
