package dev.modelport.runtime.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** What each requested dtype means for each checkpoint dtype on a GPU, a fast-bfloat16 CPU and another CPU. */
class DtypePolicyTest {

    private static final BooleanSupplier FAST = () -> true;
    private static final BooleanSupplier SLOW = () -> false;

    @Test
    void autoKeepsSixteenBitCheckpointsWhereTheDeviceComputesThemFast() {
        assertEquals(ComputeDtype.BFLOAT16, DtypePolicy.choose("auto", ComputeDtype.BFLOAT16, false, FAST).dtype());
        assertEquals(ComputeDtype.BFLOAT16, DtypePolicy.choose(null, ComputeDtype.BFLOAT16, true, SLOW).dtype());
        // float16 is slow on CPUs: it runs as bfloat16 where that is fast, float16 on a GPU
        assertEquals(ComputeDtype.BFLOAT16, DtypePolicy.choose("auto", ComputeDtype.FLOAT16, false, FAST).dtype());
        assertEquals(ComputeDtype.FLOAT16, DtypePolicy.choose("auto", ComputeDtype.FLOAT16, true, SLOW).dtype());
        // without fast bfloat16 a CPU widens to float32, and says why
        DtypePolicy.Choice slow = DtypePolicy.choose("auto", ComputeDtype.BFLOAT16, false, SLOW);
        assertEquals(ComputeDtype.FLOAT32, slow.dtype());
        assertTrue(slow.reason().contains("no faster than float32"), slow.reason());
        assertEquals(ComputeDtype.FLOAT32, DtypePolicy.choose("auto", ComputeDtype.FLOAT32, true, FAST).dtype());
    }

    @Test
    void theCpuIsAskedOnlyWhenItMatters() {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier counting = () -> asked.incrementAndGet() > 0;
        DtypePolicy.choose("auto", ComputeDtype.FLOAT32, false, counting);
        DtypePolicy.choose("float32", ComputeDtype.BFLOAT16, false, counting);
        DtypePolicy.choose("auto", ComputeDtype.BFLOAT16, true, counting);
        assertEquals(0, asked.get(), "no probe for float32 checkpoints, explicit dtypes or GPUs");
        DtypePolicy.choose("auto", ComputeDtype.BFLOAT16, false, counting);
        assertEquals(1, asked.get());
    }

    @Test
    void explicitDtypesAreHonouredAndInt8IsCpuOnly() {
        assertEquals(ComputeDtype.FLOAT32, DtypePolicy.choose("float32", ComputeDtype.BFLOAT16, false, FAST).dtype());
        assertEquals(ComputeDtype.FLOAT16, DtypePolicy.choose("float16", ComputeDtype.FLOAT32, false, FAST).dtype());
        assertEquals(ComputeDtype.BFLOAT16, DtypePolicy.choose("bf16", ComputeDtype.FLOAT32, false, SLOW).dtype());
        assertEquals(ComputeDtype.INT8, DtypePolicy.choose("int8", ComputeDtype.BFLOAT16, false, SLOW).dtype());
        ModelportException gpu = assertThrows(ModelportException.class,
                () -> DtypePolicy.choose("int8", ComputeDtype.FLOAT32, true, FAST));
        assertEquals(ErrorCode.INVALID_REQUEST, gpu.code());
        ModelportException unknown = assertThrows(ModelportException.class,
                () -> DtypePolicy.choose("float8", ComputeDtype.FLOAT32, false, FAST));
        assertEquals(ErrorCode.INVALID_REQUEST, unknown.code());
        assertTrue(unknown.getMessage().contains("float8"), unknown.getMessage());
    }

    @Test
    void theGemmProbeMeasuresBothPrecisions() {
        Engine.getEngine("PyTorch");
        double speedup = CpuBfloat16.probeSpeedup();
        System.out.printf("bfloat16 GEMM %.2fx float32 on this CPU (flags: avx512_bf16 %s)%n", speedup,
                CpuBfloat16.cpuFlags().contains("avx512_bf16"));
        assertTrue(speedup > 0.05 && speedup < 50, "a ratio of two real timings: " + speedup);
        assertFalse(Double.isNaN(speedup));
    }
}
