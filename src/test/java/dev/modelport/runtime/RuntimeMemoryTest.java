package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory behaviour a long-running service relies on: loading and closing a model repeatedly does
 * not accumulate memory, forwards leave nothing behind in the program's manager, and concurrent
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
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).size(512, 4, 8, 2048).write(dir);
        Map<String, Long> probe = MemoryProbe.run("load-cycles", dir);
        long modelBytes = probe.get("model.bytes");
        long before = probe.get("rss.before");
        // the first cycle also starts the engine and maps its libraries
        long afterFirst = probe.get("rss.cycle.1");
        long afterLast = probe.get("rss.cycle.21");
        System.out.printf("model %d MB; RSS before the engine started %d MB, loaded %d MB, after first close %d MB,"
                + " after 20 more cycles %d MB%n", modelBytes / MB, before / MB, probe.get("rss.loaded") / MB,
                afterFirst / MB, afterLast / MB);
        assertTrue(modelBytes > 45 * MB, "the test model must be large enough to see a leak: " + modelBytes);
        assertTrue(probe.get("rss.loaded") - afterFirst > modelBytes * 8 / 10, "a loaded model must show in RSS");
        // 20 leaked copies would be a gigabyte; allow a fraction of one model for allocator noise
        assertTrue(afterLast - afterFirst < modelBytes / 4,
                "RSS grew by " + (afterLast - afterFirst) / MB + " MB over 20 load/close cycles");
    }

    @Test
    void tenThousandForwardsLeaveNothingBehind() throws Exception {
        TinyCheckpoints.builder(Family.ROBERTA, Head.MASKED_LM).write(dir);
        Map<String, Long> probe = MemoryProbe.run("forwards", dir);
        // by 5,000 the JIT and the code cache have settled; the forwards after that should add nothing
        long warm = probe.get("rss.forward.5000");
        long last = probe.get("rss.forward.10000");
        System.out.printf("10,000 forwards: weight arrays %d -> %d, RSS after 5,000 %d MB, after 10,000 %d MB%n",
                probe.get("arrays.before"), probe.get("arrays.after"), warm / MB, last / MB);
        assertEquals(probe.get("arrays.before"), probe.get("arrays.after"));
        // the smallest tensor of a forward, its [2,6,V] output, is 14 KB: leaking just that would add 70 MB
        assertTrue(last - warm < 32 * MB, "RSS grew by " + (last - warm) / MB + " MB");
    }

    @Test
    void aBfloat16CheckpointTakesItsFileSizeInMemoryNotTwice() throws Exception {
        // a Llama-shaped checkpoint stored in bfloat16 like most on the Hub: 4 layers, 1024 wide, ≈ 92 MB
        TinyDecoders.llama(dir, TinyDecoders.Family.LLAMA, 4, 1024, 16, 4, 2816, false, null, 1, 3, DType.BF16);
        Path warmUp = dir.resolve("warm-up");
        TinyDecoders.llama(warmUp, TinyDecoders.Family.LLAMA, 1, 32, 4, 2, 48, false, null, 1, 3, DType.BF16);
        long file = Files.size(dir.resolve("model.safetensors"));
        Map<String, Long> bf16 = MemoryProbe.run("resident", dir, "bfloat16", warmUp.toString());
        Map<String, Long> f32 = MemoryProbe.run("resident", dir, "float32", warmUp.toString());
        long bf16Rss = bf16.get("rss.loaded") - bf16.get("rss.before");
        long f32Rss = f32.get("rss.loaded") - f32.get("rss.before");
        System.out.printf("bfloat16 Llama-shaped checkpoint of %d MB: resident %d MB at bfloat16 (%.2fx the file),"
                + " %d MB at float32 (%.2fx)%n", file / MB, bf16Rss / MB, (double) bf16Rss / file, f32Rss / MB,
                (double) f32Rss / file);
        assertTrue(bf16Rss <= file * 1.15, "bfloat16 weights take " + bf16Rss / MB + " MB for a " + file / MB + " MB file");
        assertTrue(bf16Rss >= file * 0.8, "the loaded weights must show in RSS: " + bf16Rss / MB + " MB");
        assertTrue(f32Rss >= file * 1.8, "float32 doubles them: " + f32Rss / MB + " MB");
        assertTrue(Math.abs(bf16.get("model.bytes") - file) < file * 0.05, "memory_bytes reports the resident weights");
    }

    @Test
    void concurrentForwardsMatchSequentialOnes() throws Exception {
        TinyRepo repo = TinyCheckpoints.builder(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION).write(dir);
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, RUNTIME.inspect(dir.resolve("config.json")),
                new LoadOptions("cpu", "auto"))) {
            List<EncoderBatch> batches = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                EncoderBatch b = EncoderFixtures.mixedBatch(repo, 100 + i);
                batches.add(b);
                expected.add(model.forward(b).data());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    futures.add(pool.submit(() -> {
                        for (int round = 0; round < 50; round++) {
                            for (int i = 0; i < batches.size(); i++) {
                                assertArrayEquals(expected.get(i), model.forward(batches.get(i)).data(), 1e-6f);
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
}
