package dev.modelport.serving;

/**
 * How one deployment is served.
 *
 * @param device the device its model lives on ({@code cpu}, {@code gpu:0})
 * @param dedicatedPort whether it gets a port of its own from DEPLOYMENT_PORT_RANGE
 */
public record ServeOptions(String device, long memoryBytes, boolean dedicatedPort) {
}
