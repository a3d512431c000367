/**
 * Llama, Mistral, Qwen2 and Qwen3: how config.json reads (transformers 4's {@code rope_theta} /
 * {@code rope_scaling} and transformers 5's {@code rope_parameters} / {@code layer_types}) and
 * which tensors {@code programs/llama.py} and {@code programs/qwen3.py} take.
 */
package dev.modelport.runtime.llama;
