package dev.modelport.api;

import dev.modelport.lifecycle.DeploymentRequest;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.ErrorInfo;
import dev.modelport.lifecycle.FileEntry;
import dev.modelport.runtime.QuantizationError;
import dev.modelport.serving.ServingStats;

import java.time.Instant;
import java.util.List;

/**
 * The Deployment JSON of DESIGN.md, plus {@code request} (the deploy request as it was accepted, so a client
 * can deploy the same again), {@code chat_template} (for a serving text-generation deployment: whether its
 * tokenizer has a chat template, i.e. whether {@code /v1/chat/completions} serves it; null otherwise) and
 * {@code declared} (deployed from MODELPORT_DEPLOYMENTS, so not deletable through the API).
 */
public record DeploymentView(String deploymentId, String modelId, String revision, String commit, String task,
                             String architecture, String device, String dtype, String dtypeReason,
                             QuantizationError quantizationError, String status, double progress,
                             String message, ErrorInfo error, String endpoint, String inferenceUrl, String websocketUrl,
                             List<FileEntry> files, long memoryBytes, ServingStats stats, UsageExamples usageExamples,
                             DeploymentRequest request, Boolean chatTemplate, Instant createdAt, Instant updatedAt,
                             boolean declared) {

    static DeploymentView of(DeploymentSnapshot s, ServingStats stats, Boolean chatTemplate, String baseUrl,
                             String publicHost, boolean apiKey) {
        String id = s.deploymentId();
        String inference = "/api/v1/deployments/" + id + "/inference";
        String endpoint = s.port() == null ? null : "http://" + publicHost + ":" + s.port() + "/predict";
        String exampleUrl = endpoint != null ? endpoint : baseUrl + inference;
        return new DeploymentView(id, s.request().modelId(), s.revision() == null ? "main" : s.revision(), s.commit(),
                s.task(), s.architecture(), s.device(), s.dtype(), s.dtypeReason(), s.quantizationError(), s.status().wireName(), s.progress(), s.message(),
                s.error(), endpoint, inference, "/api/v1/ws/" + id, s.files(), s.memoryBytes(), stats,
                UsageExamples.forTask(exampleUrl, s.task(), apiKey), s.request(), chatTemplate, s.createdAt(), s.updatedAt(),
                s.declared());
    }
}
