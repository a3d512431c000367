package dev.modelport.api;

import dev.modelport.lifecycle.Preflight;
import dev.modelport.lifecycle.PreflightReport;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** Preflight of a Hub model for the wizard's model and dependencies steps. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {

    @Inject
    Preflight preflight;

    @GET
    @Path("/{org}/{name}")
    @RunOnVirtualThread
    public PreflightReport model(@PathParam("org") String org, @PathParam("name") String name,
                                 @QueryParam("revision") String revision, @QueryParam("task") String task) {
        return check(org + "/" + name, revision, task);
    }

    @GET
    @Path("/{name}")
    @RunOnVirtualThread
    public PreflightReport legacyModel(@PathParam("name") String name, @QueryParam("revision") String revision,
                                       @QueryParam("task") String task) {
        return check(name, revision, task);
    }

    private PreflightReport check(String modelId, String revision, String task) {
        return preflight.check(RequestValidator.modelId(modelId), RequestValidator.revision(revision),
                RequestValidator.task(task));
    }
}
