package dev.modelport.runtime;

/**
 * @param device auto|cpu|gpu|gpu:N
 * @param dtype auto|float32|bfloat16|float16|int8
 */
public record LoadOptions(String device, String dtype) {
}
