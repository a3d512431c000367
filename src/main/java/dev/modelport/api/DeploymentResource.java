package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.Deployment;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentRequest;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.serving.InferenceInput;
import dev.modelport.serving.InferenceResponse;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServedModel;
import dev.modelport.serving.ServingStats;
import io.smallrye.common.annotation.RunOnVirtualThread;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;

/** Deploy, list, inspect, undeploy, and run inference on deployments. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class DeploymentResource {

    @Inject
    DeploymentRegistry registry;
    @Inject
    ModelServer server;
    @Inject
    ModelportConfig config;
    @Inject
    GenerationTargets generation;

    @POST
    @Path("/deploy")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response deploy(DeployBody body) {
        DeploymentRequest request = DeployRequests.from(body, config.serving().dedicatedPortsEnabled(), registry::freeId);
        Deployment d = registry.deploy(request);
        DeploymentSnapshot s = d.snapshot();
        return Response.accepted(new DeployAccepted(s.deploymentId(), s.status().wireName(), s.progress(),
                "/api/v1/ws/" + s.deploymentId(), "/api/v1/deployments/" + s.deploymentId())).build();
    }

    @GET
    @Path("/deployments")
    public Map<String, List<DeploymentView>> list(@Context UriInfo uri) {
        return Map.of("deployments", registry.list().stream().map(d -> view(d.snapshot(), uri)).toList());
    }

    @GET
    @Path("/deployments/{id}")
    public DeploymentView get(@PathParam("id") String id, @Context UriInfo uri) {
        return view(find(id).snapshot(), uri);
    }

    @DELETE
    @Path("/deployments/{id}")
    @RunOnVirtualThread
    public DeploymentView delete(@PathParam("id") String id, @Context UriInfo uri) {
        RequestValidator.deploymentId(id);
        return view(registry.remove(id), uri);
    }

    @POST
    @Path("/deployments/{id}/inference")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, "text/event-stream"})
    @RunOnVirtualThread
    public Response infer(@PathParam("id") String id, JsonNode body, @Context HttpServerResponse connection) {
        Deployment d = find(id);
        InferenceInput input = InferenceInput.parse(body);
        DeploymentSnapshot s = d.snapshot();
        ServedModel model = server.find(id).filter(m -> s.status() == DeploymentStatus.COMPLETED)
                .orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment '" + id + "' is "
                        + s.status().wireName() + " (" + Math.round(s.progress()) + "%), not ready for inference"));
        input.checkLimits(config.limits().maxInputsPerRequest(), config.limits().maxInputChars());
        if (GenerationEvents.wantsStream(body)) {
            return GenerationEvents.stream(generation.requireGenerating(id), input, connection);
        }
        return Response.ok(InferenceResponse.of(id, model.infer(input))).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Deployment find(String id) {
        if (id == null || !RequestValidator.DEPLOYMENT_ID.matcher(id).matches()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment with that id");
        }
        return registry.find(id).orElseThrow(() ->
                new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment '" + id + "'"));
    }

    private DeploymentView view(DeploymentSnapshot s, UriInfo uri) {
        var served = server.find(s.deploymentId());
        ServingStats stats = served.map(ServedModel::stats).orElse(ServingStats.EMPTY);
        Boolean chat = served.map(ServedModel::pipeline).filter(p -> p instanceof TextGenerationPipeline)
                .map(p -> ((TextGenerationPipeline) p).chatTemplate().isPresent()).orElse(null);
        String base = uri.getBaseUri().toString().replaceAll("/$", "");
        return DeploymentView.of(s, stats, chat, base, config.serving().publicHost(), config.security().apiKeyEnabled());
    }
}
