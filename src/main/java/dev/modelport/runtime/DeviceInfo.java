package dev.modelport.runtime;

/**
 * A device the engine can run on.
 *
 * @param id {@code cpu} or {@code gpu:N}
 * @param type {@code cpu} or {@code gpu}
 */
public record DeviceInfo(String id, String type, String name, int cores, long memoryBytes, long freeMemoryBytes) {
}
