package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.Deployment;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.pipeline.Reranking;
import dev.modelport.serving.InferenceInput;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServedModel;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/v1/deployments/{id}/rerank}, Hugging Face TEI's rerank: {@code {"query", "texts",
 * "raw_scores", "return_text", "top_n"}} → {@code [{"index", "score", "text"?}]}, best first, for a
 * text-classification deployment of a cross-encoder. The (query, text) pairs go through the
 * deployment's batcher as one text-classification request of text pairs, so concurrent rerank and
 * classification requests share forward passes; scores are the sigmoid of the cross-encoder's logit
 * ({@code raw_scores}: the logit). TEI's {@code truncate} is accepted: pairs are always truncated to
 * the model's length (longest text first).
 */
@Path("/api/v1/deployments/{id}/rerank")
@Produces(MediaType.APPLICATION_JSON)
public class RerankResource {
    private static final Set<String> FIELDS = Set.of("query", "texts", "raw_scores", "return_text", "top_n", "truncate",
            "truncation_direction");

    @Inject
    DeploymentRegistry registry;
    @Inject
    ModelServer server;
    @Inject
    ModelportConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RunOnVirtualThread
    public JsonNode rerank(@PathParam("id") String id, JsonNode body) {
        ServedModel model = served(id);
        Request req = parse(body);
        InferenceInput input = new InferenceInput(Reranking.inputs(req.query(), req.texts()), Reranking.parameters());
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        JsonNode classified = model.infer(input).result();
        return Reranking.rank(classified, req.texts(), req.rawScores(), req.returnText(), req.topN());
    }

    private record Request(String query, List<String> texts, boolean rawScores, boolean returnText, Integer topN) {
    }

    private ServedModel served(String id) {
        if (id == null || !RequestValidator.DEPLOYMENT_ID.matcher(id).matches()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment with that id");
        }
        Deployment d = registry.find(id).orElseThrow(() ->
                new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment '" + id + "'"));
        DeploymentSnapshot s = d.snapshot();
        if (s.task() != null && !s.task().equals("text-classification")) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "Deployment '" + id + "' serves " + s.task()
                    + "; rerank needs a text-classification deployment of a cross-encoder");
        }
        return server.find(id).filter(m -> s.status() == DeploymentStatus.COMPLETED)
                .orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment '" + id + "' is "
                        + s.status().wireName() + " (" + Math.round(s.progress()) + "%), not ready for inference"));
    }

    private static Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid("Body must be a JSON object such as {\"query\": \"...\", \"texts\": [\"...\", \"...\"]}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid("Unknown field \"" + name + "\"; rerank takes " + new java.util.TreeSet<>(FIELDS));
            }
        }
        JsonNode query = body.path("query");
        if (!query.isTextual()) {
            throw invalid("\"query\" (a string) is required");
        }
        JsonNode texts = body.path("texts");
        if (!texts.isArray() || texts.isEmpty()) {
            throw invalid("\"texts\" must be a non-empty list of strings");
        }
        List<String> list = new ArrayList<>(texts.size());
        for (JsonNode t : texts) {
            if (!t.isTextual()) {
                throw invalid("\"texts\" must be a list of strings");
            }
            list.add(t.asText());
        }
        JsonNode direction = body.path("truncation_direction");
        if (!direction.isMissingNode() && !direction.isNull()
                && !(direction.isTextual() && direction.asText().equalsIgnoreCase("right"))) {
            throw invalid("\"truncation_direction\": only \"right\" is supported");
        }
        bool(body, "truncate", true);
        Integer topN = null;
        JsonNode n = body.path("top_n");
        if (!n.isMissingNode() && !n.isNull()) {
            if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
                throw invalid("\"top_n\" must be a positive integer");
            }
            topN = n.asInt();
        }
        return new Request(query.asText(), List.copyOf(list), bool(body, "raw_scores", false),
                bool(body, "return_text", false), topN);
    }

    private static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw invalid("\"" + field + "\" must be true or false");
        }
        return v.asBoolean();
    }

    private static ModelportException invalid(String message) {
        return new ModelportException(ErrorCode.INVALID_INPUT, message);
    }
}
