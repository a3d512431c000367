/**
 * Model execution on DJL's PyTorch engine: engine start-up and devices, the memory-mapped
 * safetensors reader, and the architectures (one sub-package per family) built from NDArray
 * operations. Knows nothing of HTTP or tasks' wire shapes; {@link dev.modelport.runtime.ModelRuntime}
 * is its entry point.
 */
package dev.modelport.runtime;
