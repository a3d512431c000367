package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** OpenAI's {@code GET /v1/models}: the completed deployments, each a "model" whose id is the deployment id. */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class OpenAiModelsResource {

    @Inject
    DeploymentRegistry registry;

    @GET
    public OpenAiModelList list() {
        return new OpenAiModelList("list", registry.list().stream().map(d -> d.snapshot())
                .filter(s -> s.status() == DeploymentStatus.COMPLETED).map(OpenAiModelsResource::model).toList());
    }

    @GET
    @Path("/{id}")
    public Response get(@PathParam("id") String id) {
        return registry.find(id).map(d -> d.snapshot()).filter(s -> s.status() == DeploymentStatus.COMPLETED)
                .map(s -> Response.ok(model(s)).build())
                .orElseGet(() -> OpenAiError.response(ErrorCode.DEPLOYMENT_NOT_FOUND,
                        "The model '" + id + "' does not exist or is not ready"));
    }

    private static OpenAiModelList.Model model(DeploymentSnapshot s) {
        return new OpenAiModelList.Model(s.deploymentId(), "model", s.createdAt().getEpochSecond(), "modelport", s.task(),
                s.request() == null ? null : s.request().modelId());
    }
}
