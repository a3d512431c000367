package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.pipeline.Reranking;
import dev.modelport.pipeline.Tokenization;
import dev.modelport.serving.InferenceInput;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServedModel;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hugging Face Text Embeddings Inference's routes for one deployment, under {@code /models/{id}}: a
 * TEI client's base URL is {@code http://host:port/models/<deployment id>}. Request and answer
 * shapes follow TEI's OpenAPI; errors come in TEI's shape ({@link TeiErrors}). Every inference goes
 * through the deployment's batcher like any other request; tokenization uses the pipeline's own
 * tokenizer ({@link Tokenization}). As in TEI, an input longer than the model takes is refused (413)
 * unless {@code truncate} is true; it is then cut at the end ({@code truncation_direction} Left, cutting
 * the start, is not implemented and is refused only when an input is really too long).
 */
@Path("/models/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class TeiResource {
    private static final Set<String> EMBEDDING_TASKS = Set.of("feature-extraction", "sentence-similarity");
    private static final String CLASSIFICATION = "text-classification";
    private static final Set<String> EMBED = Set.of("inputs", "normalize", "truncate", "truncation_direction",
            "prompt_name", "dimensions");
    private static final Set<String> EMBED_ALL = Set.of("inputs", "truncate", "truncation_direction", "prompt_name");
    private static final Set<String> SIMILARITY = Set.of("inputs", "parameters");
    private static final Set<String> SIMILARITY_PARAMETERS = Set.of("prompt_name", "truncate", "truncation_direction");
    private static final Set<String> PREDICT = Set.of("inputs", "raw_scores", "truncate", "truncation_direction");
    private static final Set<String> TOKENIZE = Set.of("inputs", "add_special_tokens", "prompt_name");
    private static final Set<String> DECODE = Set.of("ids", "skip_special_tokens");

    @Inject
    DeploymentRegistry registry;
    @Inject
    ModelServer server;
    @Inject
    ModelportConfig config;
    @Inject
    ObjectMapper json;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    /** {@code POST /embed}: one pooled vector per input, {@code [[floats]]}. */
    @POST
    @Path("embed")
    @RunOnVirtualThread
    public Response embed(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = embedding(id);
            JsonNode body = TeiRequests.object(json, raw, EMBED);
            List<String> texts = TeiRequests.texts(body.path("inputs"));
            String prompt = TeiRequests.text(body, "prompt_name");
            Integer dimensions = TeiRequests.positiveInt(body, "dimensions");
            ObjectNode parameters = JsonNodeFactory.instance.objectNode()
                    .put("normalize", TeiRequests.bool(body, "normalize", true));
            putIfSet(parameters, "prompt_name", prompt);
            InferenceInput input = limited(texts, parameters);
            checkLengths(tokenization(model), tokens -> tokens.lengths(texts, prompt), body);
            JsonNode vectors = model.infer(input).result();
            List<float[]> out = new ArrayList<>(vectors.size());
            for (JsonNode v : vectors) {
                float[] vector = OpenAiVectors.read(v);
                out.add(dimensions == null ? vector : OpenAiVectors.truncate(vector, dimensions));
            }
            return out;
        });
    }

    /** {@code POST /embed_all}: every token's vector, unpooled, {@code [[[floats]]]}. */
    @POST
    @Path("embed_all")
    @RunOnVirtualThread
    public Response embedAll(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = embedding(id);
            JsonNode body = TeiRequests.object(json, raw, EMBED_ALL);
            List<String> texts = TeiRequests.texts(body.path("inputs"));
            String prompt = TeiRequests.text(body, "prompt_name");
            ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("pooling", "none");
            putIfSet(parameters, "prompt_name", prompt);
            InferenceInput input = limited(texts, parameters);
            checkLengths(tokenization(model), tokens -> tokens.lengths(texts, prompt), body);
            return model.infer(input).result();
        });
    }

    /** {@code POST /similarity}: the cosine of each sentence to the source sentence, {@code [floats]}. */
    @POST
    @Path("similarity")
    @RunOnVirtualThread
    public Response similarity(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = embedding(id);
            JsonNode body = TeiRequests.object(json, raw, SIMILARITY);
            JsonNode inputs = body.path("inputs");
            if (!inputs.isObject() || !inputs.path("source_sentence").isTextual() || !inputs.path("sentences").isArray()) {
                throw TeiRequests.invalid("\"inputs\" must be {\"source_sentence\": \"...\", \"sentences\": [\"...\"]}");
            }
            JsonNode options = body.path("parameters").isMissingNode() || body.path("parameters").isNull()
                    ? JsonNodeFactory.instance.objectNode() : TeiRequests.fields(body.path("parameters"), "parameters",
                    SIMILARITY_PARAMETERS);
            List<String> texts = new ArrayList<>();
            texts.add(inputs.get("source_sentence").asText());
            texts.addAll(TeiRequests.texts(inputs.path("sentences")));
            String prompt = TeiRequests.text(options, "prompt_name");
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            putIfSet(parameters, "prompt_name", prompt);
            // the limits count the sentences and the source (as the texts embedded in one batch)
            limited(texts, parameters);
            checkLengths(tokenization(model), tokens -> tokens.lengths(texts, prompt), options);
            InferenceInput input = new InferenceInput(inputs, parameters);
            return model.infer(input).result();
        });
    }

    /**
     * {@code POST /rerank}: a cross-encoder's score of each (query, text), best first,
     * {@code [{"index", "score", "text"?}]} (the same ranking as {@code /api/v1/deployments/{id}/rerank}).
     */
    @POST
    @Path("rerank")
    @RunOnVirtualThread
    public Response rerank(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = reranker(id);
            JsonNode body = TeiRequests.object(json, raw, RerankRequest.FIELDS);
            RerankRequest req = RerankRequest.parse(body);
            InferenceInput input = new InferenceInput(Reranking.inputs(req.query(), req.texts()), Reranking.parameters());
            withinLimits(input);
            List<String> queries = req.texts().stream().map(t -> req.query()).toList();
            checkLengths(tokenization(model), tokens -> tokens.pairLengths(queries, req.texts()), body);
            return Reranking.rank(model.infer(input).result(), req.texts(), req.rawScores(), req.returnText(), req.topN());
        });
    }

    /**
     * {@code POST /predict}: a sequence classifier's every label, best first; {@code inputs} is a text, a
     * pair {@code ["a", "b"]}, or a batch of {@code ["a"]} / {@code ["a", "b"]} (then a list per input).
     */
    @POST
    @Path("predict")
    @RunOnVirtualThread
    public Response predict(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = classifier(id);
            JsonNode body = TeiRequests.object(json, raw, PREDICT);
            TeiPredictInputs inputs = TeiPredictInputs.parse(body.path("inputs"));
            ObjectNode parameters = JsonNodeFactory.instance.objectNode();
            parameters.putNull("top_k");
            if (TeiRequests.bool(body, "raw_scores", false)) {
                parameters.put("function_to_apply", "none");
            }
            InferenceInput input = new InferenceInput(inputs.classifierInputs(), parameters);
            withinLimits(input);
            checkLengths(tokenization(model), inputs::lengths, body);
            JsonNode labels = model.infer(input).result();
            return inputs.batched() ? labels : labels.get(0);
        });
    }

    /** {@code POST /tokenize}: every token of each input, {@code [[{"id","text","special","start","stop"}]]}. */
    @POST
    @Path("tokenize")
    @RunOnVirtualThread
    public Response tokenize(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = ready(id);
            JsonNode body = TeiRequests.object(json, raw, TOKENIZE);
            List<String> texts = TeiRequests.texts(body.path("inputs"));
            withinLimits(new InferenceInput(body.path("inputs"), null));
            return tokenization(model).tokenize(texts, TeiRequests.bool(body, "add_special_tokens", true),
                    TeiRequests.text(body, "prompt_name"));
        });
    }

    /** {@code POST /decode}: token ids back to text, {@code ["text", ...]} (one per list of ids). */
    @POST
    @Path("decode")
    @RunOnVirtualThread
    public Response decode(@PathParam("id") String id, String raw) {
        return TeiErrors.answer(() -> {
            ServedModel model = ready(id);
            JsonNode body = TeiRequests.object(json, raw, DECODE);
            boolean skip = TeiRequests.bool(body, "skip_special_tokens", true);
            List<String> out = new ArrayList<>();
            for (long[] ids : TeiRequests.ids(body.path("ids"), config.limits().maxInputsPerRequest())) {
                out.add(tokenization(model).decode(ids, skip));
            }
            return out;
        });
    }

    /** {@code GET /info}: TEI's Info for this deployment. */
    @GET
    @Path("info")
    public Response info(@PathParam("id") String id) {
        return TeiErrors.answer(() -> {
            ServedModel model = ready(id);
            DeploymentSnapshot s = snapshot(id);
            int maxInput = tokenization(model).maxInputLength();
            int maxBatch = s.request().maxBatchSize() != null ? s.request().maxBatchSize() : config.serving().maxBatchSize();
            return new TeiInfo(s.request().modelId(), s.commit(), s.dtype(), modelType(model),
                    config.serving().maxQueueSize(), maxInput, maxBatch * maxInput, maxBatch,
                    config.limits().maxInputsPerRequest(), false, 1, version, null, null);
        });
    }

    /** {@code GET /health}: 200 with no body when the deployment serves, 503 (TEI "unhealthy") when not yet. */
    @GET
    @Path("health")
    public Response health(@PathParam("id") String id) {
        try {
            ready(id);
            return Response.ok().build();
        } catch (ModelportException e) {
            return TeiErrors.response(e.code(), e.getMessage());
        }
    }

    private static JsonNode modelType(ServedModel model) {
        ObjectNode type = JsonNodeFactory.instance.objectNode();
        JsonNode facts = model.pipeline().describe();
        if (EMBEDDING_TASKS.contains(model.task())) {
            type.set("embedding", facts);
        } else if (CLASSIFICATION.equals(model.task())) {
            type.set(facts.path("id2label").size() == 1 ? "reranker" : "classifier", facts);
        } else {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + model.deploymentId() + "' serves "
                    + model.task() + "; TEI's routes serve feature-extraction, sentence-similarity and"
                    + " text-classification deployments");
        }
        return type;
    }

    /** The texts as the pipeline's inputs, within MAX_INPUTS_PER_REQUEST and MAX_INPUT_CHARS (checked before tokenizing). */
    private InferenceInput limited(List<String> texts, ObjectNode parameters) {
        ArrayNode inputs = JsonNodeFactory.instance.arrayNode();
        texts.forEach(inputs::add);
        return withinLimits(new InferenceInput(inputs, parameters));
    }

    /** MAX_INPUTS_PER_REQUEST and MAX_INPUT_CHARS, checked before anything is tokenized. */
    private InferenceInput withinLimits(InferenceInput input) {
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        return input;
    }

    /**
     * TEI's length rule: an input longer than the model takes is an error unless {@code truncate}; a
     * truncated input is cut at its end, so {@code truncation_direction: Left} is refused when it would matter.
     */
    private static void checkLengths(Tokenization tokens, java.util.function.Function<Tokenization, int[]> count,
                                     JsonNode options) {
        int[] lengths = count.apply(tokens);
        int max = tokens.maxInputLength();
        boolean truncate = TeiRequests.bool(options, "truncate", false);
        boolean left = TeiRequests.leftTruncation(options);
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] <= max) {
                continue;
            }
            if (!truncate) {
                throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "Input validation error: `inputs` must have"
                        + " less than " + max + " tokens. Given: " + lengths[i] + " (input " + i
                        + "); send \"truncate\": true to cut it");
            }
            if (left) {
                throw TeiRequests.invalid("Input " + i + " has " + lengths[i] + " tokens, more than this model's " + max
                        + ", and \"truncation_direction\": \"Left\" is not implemented; use \"Right\"");
            }
        }
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static Tokenization tokenization(ServedModel model) {
        return model.pipeline().tokenization().orElseThrow(() -> new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                "Deployment '" + model.deploymentId() + "' serves " + model.task() + "; TEI's routes serve"
                        + " feature-extraction, sentence-similarity and text-classification deployments"));
    }

    private ServedModel embedding(String id) {
        ServedModel model = ready(id);
        if (!EMBEDDING_TASKS.contains(model.task())) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + id + "' serves " + model.task()
                    + ", not an embedding model: deploy a feature-extraction or sentence-similarity model");
        }
        return model;
    }

    private ServedModel classifier(String id) {
        ServedModel model = ready(id);
        if (!CLASSIFICATION.equals(model.task())) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + id + "' serves " + model.task()
                    + ", not a sequence classifier: deploy a text-classification model");
        }
        return model;
    }

    private ServedModel reranker(String id) {
        ServedModel model = classifier(id);
        int labels = model.pipeline().describe().path("id2label").size();
        if (labels != 1) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + id + "' is not a re-ranker: a"
                    + " cross-encoder has one output, this classifier has " + labels + " labels");
        }
        return model;
    }

    private DeploymentSnapshot snapshot(String id) {
        if (id == null || !RequestValidator.DEPLOYMENT_ID.matcher(id).matches()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment with that id");
        }
        return registry.find(id).orElseThrow(() ->
                new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment '" + id + "'")).snapshot();
    }

    private ServedModel ready(String id) {
        DeploymentSnapshot s = snapshot(id);
        return server.find(id).filter(m -> s.status() == DeploymentStatus.COMPLETED)
                .orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment '" + id + "' is "
                        + s.status().wireName() + " (" + Math.round(s.progress()) + "%), not ready for inference"));
    }
}
