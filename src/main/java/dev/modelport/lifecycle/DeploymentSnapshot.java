package dev.modelport.lifecycle;

import dev.modelport.runtime.QuantizationError;
import java.time.Instant;
import java.util.List;

/**
 * An immutable copy of a deployment's state: what the API shows and what metadata.json stores.
 * {@code dtypeReason} says why {@code auto} chose the dtype; {@code quantizationError} is an int8
 * model's error against float32, measured at creating. {@code declared}: deployed from
 * MODELPORT_DEPLOYMENTS(_FILE), never persisted and never removed through the API.
 */
public record DeploymentSnapshot(String deploymentId, DeploymentRequest request, String revision, String commit,
                                 String task, String architecture, String device, String dtype,
                                 String dtypeReason, QuantizationError quantizationError,
                                 DeploymentStatus status, double progress, String message, ErrorInfo error,
                                 List<FileEntry> files, long memoryBytes, Integer port, Instant createdAt,
                                 Instant updatedAt, boolean declared) {
}
