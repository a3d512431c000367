/**
 * The safetensors format: a memory-mapped reader for single-file and sharded checkpoints
 * (a {@link dev.modelport.runtime.weights.Checkpoint}), and {@link dev.modelport.runtime.safetensors.TensorInfo},
 * a tensor's entry, which the PyTorch pickle reader gives in the same form.
 */
package dev.modelport.runtime.safetensors;
