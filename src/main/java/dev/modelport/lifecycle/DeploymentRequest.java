package dev.modelport.lifecycle;

/**
 * What the user asked for, already validated by the API. Null fields take the service defaults.
 *
 * @param deploymentId never null here: the API fills in the default slug
 */
public record DeploymentRequest(String modelId, String revision, String deploymentId, String task, String device,
                                String dtype, Integer maxBatchSize, Integer maxBatchDelayMs, Boolean dedicatedPort) {
}
