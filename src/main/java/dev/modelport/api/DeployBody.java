package dev.modelport.api;

/** The JSON body of {@code POST /api/v1/deploy}; only model_id is required. */
public record DeployBody(String modelId, String revision, String deploymentId, String task, String device, String dtype,
                         Integer maxBatchSize, Integer maxBatchDelayMs, Boolean dedicatedPort) {
}
