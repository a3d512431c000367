package dev.modelport.runtime;

import ai.djl.pytorch.jni.JniUtils;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forward-pass throughput of a random BERT with all-MiniLM-L6-v2's shape (hidden 384, 6 layers,
 * 12 heads, intermediate 1536), and the GEMM FLOP rate that implies. A command, not a test:
 * {@code ./mvnw -B -q test -Dquarkus.quinoa=false -Dtest=EncoderForwardBenchmark -DexcludedTestGroups=none}
 * (prefix {@code BENCH_THREADS=N} for N intra-op threads; default one per core).
 */
@Tag("benchmark")
class EncoderForwardBenchmark {

    private static final int HIDDEN = 384;
    private static final int LAYERS = 6;
    private static final int INTERMEDIATE = 1536;

    @TempDir
    Path dir;

    @Test
    void miniLmShapedForward() {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).size(HIDDEN, LAYERS, 12, INTERMEDIATE).write(dir);
        ModelRuntime runtime = new DjlModelRuntime(Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "0")));
        String dtype = System.getenv().getOrDefault("BENCH_DTYPE", "float32");
        try (EncoderModel model = (EncoderModel) runtime.load(dir, runtime.inspect(dir.resolve("config.json")),
                new LoadOptions("cpu", dtype))) {
            System.out.printf("intra-op threads %d, dtype %s%n", JniUtils.getNumThreads(), model.dtype());
            for (int[] w : new int[][] {{1, 16, 20, 200}, {32, 128, 2, 10}}) {
                EncoderBatch batch = batch(w[0], w[1]);
                for (int i = 0; i < w[2]; i++) {
                    run(model, batch);
                }
                double[] seconds = new double[w[3]];
                for (int i = 0; i < w[3]; i++) {
                    long start = System.nanoTime();
                    run(model, batch);
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
                Arrays.sort(seconds);
                double median = seconds[seconds.length / 2];
                long tokens = (long) w[0] * w[1];
                double gemmFlops = 2.0 * tokens * LAYERS * (4L * HIDDEN * HIDDEN + 2L * HIDDEN * INTERMEDIATE);
                double attentionFlops = 2.0 * 2 * w[0] * (long) w[1] * w[1] * HIDDEN * LAYERS;
                System.out.printf("batch %d x %d tokens: median %.2f ms, %.0f sequences/s, %.1f GFLOP/s (GEMM + attention)%n",
                        w[0], w[1], median * 1e3, w[0] / median, (gemmFlops + attentionFlops) / median / 1e9);
            }
        }
    }

    private static void run(EncoderModel model, EncoderBatch batch) {
        model.forward(batch);
    }

    private static EncoderBatch batch(int b, int t) {
        Random rng = new Random(1);
        long[][] ids = new long[b][t];
        long[][] mask = new long[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = 5 + rng.nextInt(100);
                mask[i][j] = 1;
            }
        }
        return new EncoderBatch(ids, mask, new long[b][t]);
    }
}
