package dev.modelport.runtime.precision;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.Locale;

/**
 * What a requested dtype means for a checkpoint on a device. {@code auto} keeps the checkpoint's
 * own dtype where the device computes it well: bfloat16 stays bfloat16 on GPUs and on CPUs that
 * compute it fast; float16 stays float16 on a GPU and runs as bfloat16 on such a CPU (CPU float16
 * matmuls are 3-5x slower than float32); float32 stays float32; anything else runs in float32.
 * Explicit {@code float32}, {@code bfloat16}, {@code float16} are honoured; {@code int8} (dynamic
 * quantization of the linear layers) is CPU only.
 */
public final class DtypePolicy {

    /** The chosen dtype and, for {@code auto}, why. */
    public record Choice(ComputeDtype dtype, String reason) {
    }

    private DtypePolicy() {
    }

    /**
     * @param requested auto|float32|bfloat16|float16|int8 (null = auto)
     * @param stored the checkpoint's dtype (that of most of its bytes)
     * @param gpu whether the model goes to a GPU
     * @param cpuBf16 whether this CPU computes bfloat16 fast (asked only when it matters)
     */
    public static Choice choose(String requested, ComputeDtype stored, boolean gpu, java.util.function.BooleanSupplier cpuBf16) {
        String r = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        return switch (r) {
            case "float32", "fp32" -> new Choice(ComputeDtype.FLOAT32, "");
            case "bfloat16", "bf16" -> new Choice(ComputeDtype.BFLOAT16, "");
            case "float16", "fp16", "half" -> new Choice(ComputeDtype.FLOAT16, "");
            case "int8" -> {
                if (gpu) {
                    throw new ModelportException(ErrorCode.INVALID_REQUEST,
                            "dtype int8 (dynamic quantization) runs on the CPU only; use bfloat16 or float16 on a GPU");
                }
                yield new Choice(ComputeDtype.INT8, "");
            }
            case "auto" -> auto(stored, gpu, cpuBf16);
            default -> throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "dtype '" + requested + "' is not one of auto, float32, bfloat16, float16, int8");
        };
    }

    private static Choice auto(ComputeDtype stored, boolean gpu, java.util.function.BooleanSupplier cpuBf16) {
        if (stored == ComputeDtype.FLOAT32 || stored == ComputeDtype.INT8) {
            return new Choice(ComputeDtype.FLOAT32, "the checkpoint is float32");
        }
        if (gpu) {
            return new Choice(stored, "the checkpoint is " + stored.wireName() + " and the GPU computes it natively");
        }
        if (cpuBf16.getAsBoolean()) {
            return stored == ComputeDtype.BFLOAT16
                    ? new Choice(ComputeDtype.BFLOAT16, "the checkpoint is bfloat16 and this CPU computes bfloat16 fast")
                    : new Choice(ComputeDtype.BFLOAT16,
                            "the checkpoint is float16, which CPUs compute slowly; bfloat16 is fast on this CPU");
        }
        return new Choice(ComputeDtype.FLOAT32, "the checkpoint is " + stored.wireName()
                + " but this CPU computes bfloat16 no faster than float32 (no avx512_bf16/AMX, measured)");
    }
}
