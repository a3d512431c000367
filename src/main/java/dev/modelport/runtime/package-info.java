/**
 * Model execution on DJL's PyTorch engine: engine start-up and devices, the weights formats
 * ({@code weights/}: the memory-mapped safetensors reader in {@code safetensors/}, PyTorch pickles
 * through a weights-only unpickler that runs nothing in {@code pickle/}), and the architectures (one sub-package per family) built from NDArray
 * operations. Knows nothing of HTTP or tasks' wire shapes; {@link dev.modelport.runtime.ModelRuntime}
 * is its entry point and {@link dev.modelport.runtime.DjlModelRuntime} its implementation.
 *
 * <p>Architectures are looked up by config.json's {@code architectures} name in
 * {@link dev.modelport.runtime.Architectures}; a family (bert/, distilbert/) lists its
 * {@link dev.modelport.runtime.Architecture}s there, and decoders will join the same registry.
 *
 * <p>Engine settings: intra-op threads come from {@code TORCH_NUM_THREADS} (0 = one per core) and
 * inter-op threads are 1. The glibc allocator setting of ENVIRONMENT.md
 * ({@code GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296})
 * must be in the environment before the JVM starts, so it belongs to the launcher (container
 * entrypoint, scripts, the test runner's configuration): it cut a batch-8 BERT-base forward from 6.9 s
 * to 2.6 s on these machines, at the cost of freed weight memory staying reserved by the process for
 * reuse instead of going back to the system. Likewise {@code OMP_WAIT_POLICY=PASSIVE}: libtorch's
 * OpenMP threads otherwise spin at every operation's barrier, and on a machine whose cores are
 * shared with other work a MiniLM-sized batch-1 forward with 2 threads took 260-340 ms instead of
 * 16 ms (measured with {@code EncoderForwardBenchmark} at load average 8-10 on 2 cores).
 */
package dev.modelport.runtime;
