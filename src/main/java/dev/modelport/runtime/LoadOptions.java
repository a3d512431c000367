package dev.modelport.runtime;

/**
 * @param device auto|cpu|gpu|gpu:N
 * @param dtype auto|float32|float16
 */
public record LoadOptions(String device, String dtype) {
}
