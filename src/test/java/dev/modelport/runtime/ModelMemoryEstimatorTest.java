package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.precision.CpuBfloat16;
import org.junit.jupiter.api.Test;

class ModelMemoryEstimatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scalesFileBytesFromTheStoredToTheComputePrecision() throws Exception {
        long file = 1_000_000_000L;
        JsonNode f32 = JSON.readTree("{\"torch_dtype\": \"float32\"}");
        JsonNode bf16 = JSON.readTree("{\"dtype\": \"bfloat16\"}");
        JsonNode f16 = JSON.readTree("{\"torch_dtype\": \"float16\"}");
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, f32, "float32", false));
        assertEquals(file / 2, ModelMemoryEstimator.weightBytes(file, f32, "bfloat16", false));
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, f32, "auto", true), "float32 stays float32");
        assertEquals(file * 2, ModelMemoryEstimator.weightBytes(file, bf16, "float32", false));
        // a bfloat16 checkpoint stays at its file size where bfloat16 is computed (a GPU, a fast CPU)
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, bf16, "auto", true));
        assertEquals(CpuBfloat16.fast() ? file : file * 2, ModelMemoryEstimator.weightBytes(file, bf16, "auto", false));
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, f16, "float16", false));
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, null, "auto", false), "no config: float32 files");
        assertEquals((long) (file / 4 * 1.25), ModelMemoryEstimator.weightBytes(file, f32, "int8", false));
    }
}
