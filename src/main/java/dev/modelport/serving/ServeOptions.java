package dev.modelport.serving;

/**
 * How one deployment is served.
 *
 * @param device the device its model lives on ({@code cpu}, {@code gpu:0})
 * @param dedicatedPort whether it gets a port of its own from DEPLOYMENT_PORT_RANGE
 * @param maxBatchSize texts merged into one forward pass at most; null = MAX_BATCH_SIZE, 1 = no batching
 * @param maxBatchDelayMs how long a batch waits for company after its first request; null = MAX_BATCH_DELAY_MS
 */
public record ServeOptions(String device, long memoryBytes, boolean dedicatedPort, Integer maxBatchSize,
                           Integer maxBatchDelayMs) {
}
