package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.precision.ComputeDtype;
import dev.modelport.runtime.precision.CpuBfloat16;
import dev.modelport.runtime.precision.DtypePolicy;
import java.util.Locale;

/**
 * Estimates the memory a checkpoint's weights will take once loaded, from the safetensors sizes the
 * hub reports, before anything is downloaded. The files hold the weights at the precision config.json
 * names ({@code dtype} in transformers 5, {@code torch_dtype} in 4; float32 when absent); loading
 * keeps them at the compute dtype {@link DtypePolicy} chooses. Headers and the odd float32 norm of a
 * half-precision checkpoint are a negligible share, so the estimate errs slightly high.
 */
public final class ModelMemoryEstimator {

    /** int8 keeps linear weights at one byte plus per-channel scales, and the rest in float32. */
    private static final double INT8_BYTES_PER_PARAMETER = 1.25;

    private ModelMemoryEstimator() {
    }

    /**
     * @param safetensorsBytes total size of the safetensors files (all shards)
     * @param config config.json, or null when it is not known yet
     * @param requestedDtype the deployment's dtype (null = auto)
     * @param gpu whether the model goes to a GPU
     */
    public static long weightBytes(long safetensorsBytes, JsonNode config, String requestedDtype, boolean gpu) {
        ComputeDtype stored = storedDtype(config);
        long parameters = safetensorsBytes / stored.handOffBytes();
        ComputeDtype compute = DtypePolicy.choose(requestedDtype, stored, gpu, CpuBfloat16::fast).dtype();
        return compute == ComputeDtype.INT8 ? (long) (parameters * INT8_BYTES_PER_PARAMETER)
                : parameters * compute.handOffBytes();
    }

    /** The checkpoint's dtype as config.json states it. */
    static ComputeDtype storedDtype(JsonNode config) {
        JsonNode t = config == null ? null : config.hasNonNull("dtype") ? config.get("dtype") : config.get("torch_dtype");
        String name = t == null || t.isNull() ? "float32" : t.asText().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "bfloat16", "bf16" -> ComputeDtype.BFLOAT16;
            case "float16", "half", "fp16" -> ComputeDtype.FLOAT16;
            default -> ComputeDtype.FLOAT32;
        };
    }
}
