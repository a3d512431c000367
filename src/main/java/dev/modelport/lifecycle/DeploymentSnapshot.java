package dev.modelport.lifecycle;

import java.time.Instant;
import java.util.List;

/**
 * An immutable copy of a deployment's state: what the API shows and what metadata.json stores.
 */
public record DeploymentSnapshot(String deploymentId, DeploymentRequest request, String revision, String commit,
                                 String task, String architecture, String device, String dtype,
                                 DeploymentStatus status, double progress, String message, ErrorInfo error,
                                 List<FileEntry> files, long memoryBytes, Integer port, Instant createdAt,
                                 Instant updatedAt) {
}
