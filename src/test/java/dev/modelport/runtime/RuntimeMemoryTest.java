package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory behaviour a long-running service relies on: loading and closing a model repeatedly does
 * not accumulate memory, forwards leave nothing behind in the weights' manager, and concurrent
 * forwards on one model give the same answers as sequential ones.
 */
class RuntimeMemoryTest {

    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);
    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void loadingAndClosingTwentyTimesDoesNotGrowRss() throws Exception {
        // ≈ 50 MB of float32 weights, so a leaked copy would stand out from allocator noise
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).size(512, 4, 8, 2048).write(dir);
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        EncoderBatch batch = EncoderFixtures.mixedBatch(repo, 3);
        LoadOptions options = new LoadOptions("cpu", "float32");

        long rssBeforeLoad = settledRss();
        long modelBytes;
        long rssLoaded;
        try (LoadedModel first = RUNTIME.load(dir, spec, options); NDManager m = first.newManager()) {
            first.forward(m, batch);
            modelBytes = first.memoryBytes();
            rssLoaded = rss();
        }
        long rssAfterFirst = settledRss();
        long[] after = new long[20];
        for (int i = 0; i < 20; i++) {
            try (LoadedModel model = RUNTIME.load(dir, spec, options); NDManager m = model.newManager()) {
                model.forward(m, batch);
            }
            after[i] = settledRss();
        }
        long growth = after[19] - rssAfterFirst;
        System.out.printf("model %d MB; RSS before load %d MB, loaded %d MB, after first close %d MB,"
                + " after 20 more cycles %d MB (growth %+d MB)%n", modelBytes / MB, rssBeforeLoad / MB, rssLoaded / MB,
                rssAfterFirst / MB, after[19] / MB, growth / MB);
        assertTrue(modelBytes > 45 * MB, "the test model must be large enough to see a leak: " + modelBytes);
        // 20 leaked copies would be a gigabyte; allow a fraction of one model for allocator noise
        assertTrue(growth < modelBytes / 2, "RSS grew by " + growth / MB + " MB over 20 load/close cycles");
        // the allocator may keep freed pages for reuse, but not more than about one model's worth
        assertTrue(after[19] - rssBeforeLoad < modelBytes, "RSS stayed " + (after[19] - rssBeforeLoad) / MB
                + " MB above its level before the first load");
    }

    @Test
    void tenThousandForwardsLeaveNoArraysBehind() throws Exception {
        TinyRepo repo = TinyCheckpoints.builder(Family.ROBERTA, Head.MASKED_LM).write(dir);
        EncoderBatch batch = EncoderFixtures.mixedBatch(repo, 7);
        try (LoadedModel model = RUNTIME.load(dir, RUNTIME.inspect(dir.resolve("config.json")), new LoadOptions("cpu", "auto"))) {
            BaseNDManager weights;
            try (NDManager probe = model.newManager()) {
                weights = (BaseNDManager) probe.getParentManager();
            }
            int arraysBefore = weights.getManagedArrays().size();
            long rssWarm = 0;
            for (int i = 1; i <= 10_000; i++) {
                try (NDManager m = model.newManager()) {
                    model.forward(m, batch).toFloatArray();
                    if (i % 10 == 0) {
                        model.hiddenStates(m, batch);
                    }
                }
                if (i == 5_000) {
                    // by now the JIT, the code cache and the allocator's pools have reached their working size
                    rssWarm = settledRss();
                }
            }
            long rssAfter = settledRss();
            System.out.printf("10,000 forwards: weight arrays %d -> %d, RSS after 5,000 %d MB, after 10,000 %d MB%n",
                    arraysBefore, weights.getManagedArrays().size(), rssWarm / MB, rssAfter / MB);
            assertEquals(arraysBefore, weights.getManagedArrays().size());
            // each forward makes ~100 KB of arrays; 5,000 leaked would be ~500 MB
            assertTrue(rssAfter - rssWarm < 30 * MB, "RSS grew by " + (rssAfter - rssWarm) / MB + " MB");
        }
    }

    @Test
    void concurrentForwardsMatchSequentialOnes() throws Exception {
        TinyRepo repo = TinyCheckpoints.builder(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION).write(dir);
        try (LoadedModel model = RUNTIME.load(dir, RUNTIME.inspect(dir.resolve("config.json")), new LoadOptions("cpu", "auto"))) {
            List<EncoderBatch> batches = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                EncoderBatch b = EncoderFixtures.mixedBatch(repo, 100 + i);
                batches.add(b);
                try (NDManager m = model.newManager()) {
                    expected.add(model.forward(m, b).toFloatArray());
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    futures.add(pool.submit(() -> {
                        for (int round = 0; round < 50; round++) {
                            for (int i = 0; i < batches.size(); i++) {
                                try (NDManager m = model.newManager()) {
                                    assertArrayEquals(expected.get(i), model.forward(m, batches.get(i)).toFloatArray(), 1e-6f);
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** RSS once unreachable mappings and buffers of closed models have been collected. */
    private static long settledRss() throws IOException {
        System.gc();
        return rss();
    }

    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
