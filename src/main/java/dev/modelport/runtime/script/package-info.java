/**
 * TorchScript programs written by Java, run by DJL's PyTorch engine: the archive
 * ({@link dev.modelport.runtime.script.ScriptArchive}), the loaded program and its calls
 * ({@link dev.modelport.runtime.script.ScriptProgram}), the opaque handles that are only passed back
 * ({@link dev.modelport.runtime.script.ScriptHandle}) and the one-time weight hand-off
 * ({@link dev.modelport.runtime.script.WeightHandOff}).
 *
 * <p>The programs' source lives in {@code src/main/resources/dev/modelport/runtime/programs/}; no
 * Python runs anywhere. What a program returns to Java is checked to be float32 before DJL reads
 * it: DJL 0.36 aborts the JVM on any bfloat16 dtype code, so BF16 and F16 tensors stay inside the
 * program (ENVIRONMENT.md, "DJL 0.36 and BF16").
 */
package dev.modelport.runtime.script;
