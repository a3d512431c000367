package dev.modelport.api;

/** The 202 answer to a deploy. */
public record DeployAccepted(String deploymentId, String status, double progress, String websocketUrl, String statusUrl) {
}
