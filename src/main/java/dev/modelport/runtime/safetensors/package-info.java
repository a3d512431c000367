/**
 * The safetensors format: a memory-mapped reader for single-file and sharded checkpoints, and the
 * step that turns a tensor's bytes into an NDArray on the target device and dtype.
 */
package dev.modelport.runtime.safetensors;
