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
        RerankRequest req = RerankRequest.parse(body);
        if (TeiRequests.leftTruncation(body)) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "\"truncation_direction\": only \"right\" is supported");
        }
        InferenceInput input = new InferenceInput(Reranking.inputs(req.query(), req.texts()), Reranking.parameters());
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        JsonNode classified = model.infer(input).result();
        return Reranking.rank(classified, req.texts(), req.rawScores(), req.returnText(), req.topN());
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
}
