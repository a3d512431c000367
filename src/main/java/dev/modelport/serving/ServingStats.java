package dev.modelport.serving;

/** Per-deployment request statistics shown in the Deployment JSON. */
public record ServingStats(long requests, long errors, double avgLatencyMs) {
    public static final ServingStats EMPTY = new ServingStats(0, 0, 0.0);
}
