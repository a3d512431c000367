package dev.modelport.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The JSON body of {@code POST /api/v1/deploy}; only model_id is required. A misspelt field is an error. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record DeployBody(String modelId, String revision, String deploymentId, String task, String device, String dtype,
                         Integer maxBatchSize, Integer maxBatchDelayMs, Boolean dedicatedPort) {
}
