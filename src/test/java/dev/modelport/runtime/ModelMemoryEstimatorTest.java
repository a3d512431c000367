package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelMemoryEstimatorTest {

    @Test
    void scalesFileBytesFromTheStoredToTheLoadedPrecision() throws Exception {
        long file = 1_000_000_000L;
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, "float32", "float32"));
        assertEquals(file / 2, ModelMemoryEstimator.weightBytes(file, "float32", "float16"));
        assertEquals(file * 2, ModelMemoryEstimator.weightBytes(file, "bfloat16", "auto"));
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, "float16", "float16"));
        assertEquals(file, ModelMemoryEstimator.weightBytes(file, (String) null, "auto"));
        var config = new ObjectMapper().readTree("{\"torch_dtype\": \"float16\"}");
        assertEquals(file * 2, ModelMemoryEstimator.weightBytes(file, config, "float32"));
    }
}
