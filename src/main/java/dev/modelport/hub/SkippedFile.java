package dev.modelport.hub;

/** A repo file the deployment will not fetch, and why (shown in the wizard). */
public record SkippedFile(String path, long size, String reason) {
}
