/**
 * The compute dtype of a deployment: what {@code auto} means on this device for this checkpoint
 * ({@link dev.modelport.runtime.precision.DtypePolicy}), whether this CPU computes bfloat16 fast
 * ({@link dev.modelport.runtime.precision.CpuBfloat16}, by its flags or a short GEMM probe).
 */
package dev.modelport.runtime.precision;
