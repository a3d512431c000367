package dev.modelport.runtime.precision;

import ai.djl.Device;
import dev.modelport.runtime.script.ProgramSource;
import dev.modelport.runtime.script.ScriptArchive;
import dev.modelport.runtime.script.ScriptArg;
import dev.modelport.runtime.script.ScriptProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Whether this CPU computes bfloat16 matmuls faster than float32. CPUs with {@code avx512_bf16} or
 * AMX do (oneDNN's bf16 kernels: 2-4x the float32 GEMM rate on the Zen 4 machines of
 * ENVIRONMENT.md); for any other CPU a short GEMM probe decides, once per process, and the answer
 * is logged. The engine must be running.
 */
public final class CpuBfloat16 {

    private static final Logger LOG = Logger.getLogger(CpuBfloat16.class);
    /** bfloat16 must beat float32 by this much to be worth its rounding. */
    private static final double REQUIRED_SPEEDUP = 1.3;
    private static volatile Boolean fast;

    private CpuBfloat16() {
    }

    public static boolean fast() {
        Boolean known = fast;
        if (known == null) {
            synchronized (CpuBfloat16.class) {
                if (fast == null) {
                    fast = decide();
                }
                known = fast;
            }
        }
        return known;
    }

    private static boolean decide() {
        List<String> flags = cpuFlags();
        if (flags.contains("avx512_bf16") || flags.contains("amx_bf16")) {
            LOG.infof("this CPU has %s: bfloat16 checkpoints run in bfloat16",
                    flags.contains("amx_bf16") ? "AMX" : "avx512_bf16");
            return true;
        }
        double speedup = probeSpeedup();
        boolean faster = speedup >= REQUIRED_SPEEDUP;
        LOG.infof("no avx512_bf16/AMX flag; a bfloat16 GEMM ran %.2fx the float32 speed here, so dtype auto runs"
                + " bfloat16 checkpoints in %s", speedup, faster ? "bfloat16" : "float32");
        return faster;
    }

    static List<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return Arrays.asList(line.substring(line.indexOf(':') + 1).trim().toLowerCase(Locale.ROOT).split("\\s+"));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf(e, "no /proc/cpuinfo");
        }
        return List.of();
    }

    /** float32 time / bfloat16 time of the same GEMMs, medians of three interleaved rounds. */
    static double probeSpeedup() {
        byte[] archive = ScriptArchive.build("probe", "ProbeProgram", List.of(ProgramSource.load("probe")));
        try (ScriptProgram probe = ScriptProgram.load("probe", archive, Device.cpu())) {
            long[] f32 = new long[3];
            long[] bf16 = new long[3];
            time(probe, ComputeDtype.FLOAT32, 1); // warm-up
            time(probe, ComputeDtype.BFLOAT16, 1);
            for (int round = 0; round < 3; round++) {
                f32[round] = time(probe, ComputeDtype.FLOAT32, 4);
                bf16[round] = time(probe, ComputeDtype.BFLOAT16, 4);
            }
            Arrays.sort(f32);
            Arrays.sort(bf16);
            return (double) f32[1] / Math.max(1, bf16[1]);
        }
    }

    private static long time(ScriptProgram probe, ComputeDtype dtype, int repeats) {
        long start = System.nanoTime();
        probe.number("gemm", ScriptArg.of(dtype.handOffCode()), ScriptArg.of(512), ScriptArg.of(repeats));
        return System.nanoTime() - start;
    }
}
