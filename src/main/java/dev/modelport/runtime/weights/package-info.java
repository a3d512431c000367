/**
 * What the runtime needs of a weights format: a {@link dev.modelport.runtime.weights.Checkpoint} of
 * named tensors, each readable from its {@link dev.modelport.runtime.weights.WeightSource} as
 * little-endian row-major bytes. Two formats implement it: safetensors ({@code runtime/safetensors}),
 * preferred, and PyTorch's pickle checkpoints read by a weights-only unpickler ({@code runtime/pickle}).
 * {@code DjlModelRuntime} picks one for a model folder, safetensors first.
 */
package dev.modelport.runtime.weights;
