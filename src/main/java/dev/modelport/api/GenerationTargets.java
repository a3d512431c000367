package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.pipeline.GenerationPipeline;
import dev.modelport.pipeline.TextGenerationPipeline;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServedModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finds the ready generating deployment behind an id: any generating task for the token streams (SSE,
 * WebSocket), text-generation for the OpenAI routes.
 */
@ApplicationScoped
public class GenerationTargets {

    @Inject
    DeploymentRegistry registry;
    @Inject
    ModelServer server;

    /** A served text-generation deployment: generations are admitted by {@code model}, run by {@code pipeline}. */
    public record Target(ServedModel model, TextGenerationPipeline pipeline) {
    }

    /** A served generating deployment (text-generation, text2text-generation, summarization, translation), for token streams. */
    public record Generating(ServedModel model, GenerationPipeline pipeline) {
    }

    /** The deployment behind {@code deploymentId} when it serves text-generation (the OpenAI routes). */
    public Target require(String deploymentId) {
        ServedModel served = served(deploymentId);
        if (!(served.pipeline() instanceof TextGenerationPipeline generation)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + deploymentId + "' serves "
                    + served.task() + "; only text-generation deployments serve this route");
        }
        return new Target(served, generation);
    }

    /** The deployment behind {@code deploymentId} when it generates text token by token (streams). */
    public Generating requireGenerating(String deploymentId) {
        ServedModel served = served(deploymentId);
        if (!(served.pipeline() instanceof GenerationPipeline generation)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, "Deployment '" + deploymentId + "' serves "
                    + served.task() + "; only text-generation, text2text-generation, summarization and translation"
                    + " deployments stream tokens");
        }
        return new Generating(served, generation);
    }

    /** The ready deployment behind {@code deploymentId}, whatever its task (DEPLOYMENT_NOT_FOUND, DEPLOYMENT_NOT_READY). */
    ServedModel served(String deploymentId) {
        if (deploymentId == null || !RequestValidator.DEPLOYMENT_ID.matcher(deploymentId).matches()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND,
                    "No deployment with that id (\"model\" names a deployment id)");
        }
        DeploymentSnapshot s = registry.find(deploymentId).orElseThrow(() -> new ModelportException(
                ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment '" + deploymentId + "'")).snapshot();
        ServedModel served = server.find(deploymentId).filter(m -> s.status() == DeploymentStatus.COMPLETED)
                .orElseThrow(() -> new ModelportException(ErrorCode.DEPLOYMENT_NOT_READY, "Deployment '" + deploymentId
                        + "' is " + s.status().wireName() + ", not ready for inference"));
        return served;
    }
}
