package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Estimates the memory a checkpoint's weights will take once loaded, from the safetensors sizes the
 * hub reports, before anything is downloaded. The files hold the weights at the precision config.json's
 * {@code torch_dtype} names (float32 when absent); loading converts them to the load dtype. Headers and
 * integer buffers are a negligible share and counted as weights, so the estimate errs high.
 */
public final class ModelMemoryEstimator {

    private ModelMemoryEstimator() {
    }

    /**
     * @param safetensorsBytes total size of the safetensors files (all shards)
     * @param storedDtype config.json's torch_dtype (float32, float16, bfloat16) or null
     * @param loadDtype float32 or float16; auto counts as float32, the CPU default and the larger
     */
    public static long weightBytes(long safetensorsBytes, String storedDtype, String loadDtype) {
        int stored = bytesPerElement(storedDtype);
        int loaded = loadDtype != null && loadDtype.toLowerCase(Locale.ROOT).matches("float16|fp16|half") ? 2 : 4;
        return safetensorsBytes / stored * loaded;
    }

    /** {@link #weightBytes} with the stored precision read from config.json. */
    public static long weightBytes(long safetensorsBytes, JsonNode config, String loadDtype) {
        JsonNode t = config == null ? null : config.get("torch_dtype");
        return weightBytes(safetensorsBytes, t == null || t.isNull() ? null : t.asText(), loadDtype);
    }

    static int bytesPerElement(String torchDtype) {
        if (torchDtype == null) {
            return 4;
        }
        return switch (torchDtype.toLowerCase(Locale.ROOT)) {
            case "float16", "bfloat16", "half", "fp16", "bf16" -> 2;
            default -> 4;
        };
    }
}
