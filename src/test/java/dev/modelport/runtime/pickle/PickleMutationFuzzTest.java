package dev.modelport.runtime.pickle;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized mutation fuzzing of real checkpoints (seeded, so a failure names a reproducible seed):
 * the data.pkl of torch.save zip archives is mutated (bits flipped, bytes set to opcodes and edge
 * values, ranges deleted, duplicated or cut) and the archive rebuilt; the legacy layout's pickles
 * and whole files (zip structure included) are mutated in place. Every outcome must be a refusal
 * with UNSAFE_WEIGHTS, INVALID_CHECKPOINT or UNSUPPORTED_MODEL_FILES and a message, or a file that
 * opens and whose every tensor can be sliced; never another exception, an error, or a slow case.
 * {@code -Dmodelport.fuzz.seeds=N} sets the seeds per kind of mutation (default 700).
 */
class PickleMutationFuzzTest {

    private static final int SEEDS = Integer.getInteger("modelport.fuzz.seeds", 700);
    private static final Duration SLOWEST = Duration.ofSeconds(2);
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.UNSAFE_WEIGHTS, ErrorCode.INVALID_CHECKPOINT,
            ErrorCode.UNSUPPORTED_MODEL_FILES);
    private static final byte[] INTERESTING = {0, (byte) 0xff, 0x7f, (byte) 0x80, 'c', 'R', 'b', 'Q', '(', 'e', 'u', 't',
            's', 'X', 'h', 'j', 'q', 'r', (byte) 0x81, (byte) 0x8a, (byte) 0x85, '.', 'N', ']', '}', ')', 'a', 'K', 'M', 'J'};
    private static final long[] EDGE_INTS = {0, 1, 0xff, 0xffff, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0xfffffff0L};

    @TempDir
    Path tmp;

    private final Map<ErrorCode, Integer> refused = new EnumMap<>(ErrorCode.class);
    private int opened;
    private long slowestNanos;
    private final List<String> failures = new ArrayList<>();

    @Test
    void mutatedCheckpointsAreRefusedCleanlyOrReadSafely() {
        assertTimeoutPreemptively(Duration.ofMinutes(4), () -> {
            for (String base : List.of("gpt2", "bert-views")) {
                Map<String, byte[]> records = records(PickleResources.checkpoints().resolve(base).resolve("pytorch_model.bin"));
                String pkl = records.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
                for (int seed = 0; seed < SEEDS; seed++) {
                    Map<String, byte[]> mutated = new LinkedHashMap<>(records);
                    mutated.put(pkl, mutate(records.get(pkl), new Random(seed), 0));
                    check("data.pkl of " + base + " seed " + seed, TestZips.zip(mutated));
                }
            }
            for (String base : List.of("distilbert-legacy", "bert-views-legacy")) {
                byte[] file = Files.readAllBytes(PickleResources.checkpoints().resolve(base).resolve("pytorch_model.bin"));
                int pickles = legacyPickleLength(file);
                for (int seed = 0; seed < SEEDS; seed++) {
                    Random r = new Random(seed);
                    byte[] head = mutate(java.util.Arrays.copyOf(file, pickles), r, 0);
                    byte[] whole = new byte[head.length + file.length - pickles];
                    System.arraycopy(head, 0, whole, 0, head.length);
                    System.arraycopy(file, pickles, whole, head.length, file.length - pickles);
                    check("legacy pickles of " + base + " seed " + seed, whole);
                }
            }
            for (String base : List.of("gpt2", "distilbert-legacy", "llama-bf16")) {
                byte[] file = Files.readAllBytes(PickleResources.checkpoints().resolve(base).resolve("pytorch_model.bin"));
                for (int seed = 0; seed < SEEDS; seed++) {
                    check("whole file " + base + " seed " + seed, mutateFile(file, new Random(seed)));
                }
            }
        });
        System.out.printf("pickle mutation fuzz: %d cases, %d opened, refused %s, slowest %.1f ms%n",
                opened + refused.values().stream().mapToInt(Integer::intValue).sum(), opened, refused, slowestNanos / 1e6);
        if (!failures.isEmpty()) {
            fail(failures.size() + " mutated checkpoints were not refused cleanly, e.g.:\n"
                    + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        }
        assertTrue(refused.getOrDefault(ErrorCode.INVALID_CHECKPOINT, 0) > 0 && refused.getOrDefault(ErrorCode.UNSAFE_WEIGHTS, 0) > 0,
                "the mutations reach both refusals: " + refused);
    }

    private void check(String what, byte[] bytes) throws IOException {
        Path file = tmp.resolve("pytorch_model.bin");
        Files.write(file, bytes);
        long start = System.nanoTime();
        try (TorchPickleFile f = TorchPickleFile.open(file, "pytorch_model.bin")) {
            for (TensorInfo t : f.tensors().values()) {
                f.slice(t, 0, t.byteSize());
            }
            opened++;
        } catch (ModelportException e) {
            refused.merge(e.code(), 1, Integer::sum);
            if (!REFUSALS.contains(e.code()) || e.getMessage() == null || e.getMessage().isBlank()
                    || e.getMessage().contains(tmp.toString())) {
                failures.add(what + ": " + e.code() + ": " + e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            failures.add(what + ": " + e);
        }
        long took = System.nanoTime() - start;
        slowestNanos = Math.max(slowestNanos, took);
        if (took > SLOWEST.toNanos()) {
            failures.add(what + ": took " + took / 1_000_000 + " ms");
        }
    }

    /** One to four mutations of the bytes from {@code from} on. */
    static byte[] mutate(byte[] in, Random r, int from) {
        byte[] b = in.clone();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n && b.length > from + 1; i++) {
            int at = from + r.nextInt(b.length - from);
            switch (r.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> b[at] = INTERESTING[r.nextInt(INTERESTING.length)];
                case 3 -> {
                    long v = EDGE_INTS[r.nextInt(EDGE_INTS.length)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (8 * k));
                    }
                }
                case 4 -> { // delete a range
                    int len = Math.min(1 + r.nextInt(16), b.length - at);
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
                case 5 -> { // duplicate a range
                    int len = Math.min(1 + r.nextInt(64), b.length - at);
                    byte[] out = new byte[b.length + len];
                    System.arraycopy(b, 0, out, 0, at + len);
                    System.arraycopy(b, at, out, at + len, b.length - at);
                    b = out;
                }
                case 6 -> b = java.util.Arrays.copyOf(b, at); // cut short
                default -> { // swap two bytes
                    int other = from + r.nextInt(b.length - from);
                    byte t = b[at];
                    b[at] = b[other];
                    b[other] = t;
                }
            }
        }
        return b;
    }

    /** Mutations of a whole file, aimed half the time at its first and last 4 KiB (headers, zip directory). */
    static byte[] mutateFile(byte[] in, Random r) {
        if (r.nextBoolean()) {
            return mutate(in, r, 0);
        }
        byte[] b = in.clone();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            int window = Math.min(4096, b.length);
            int at = r.nextBoolean() ? r.nextInt(window) : b.length - 1 - r.nextInt(window);
            if (r.nextInt(4) == 0) {
                long v = EDGE_INTS[r.nextInt(EDGE_INTS.length)];
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = (byte) (v >>> (8 * k));
                }
            } else {
                b[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }

    private static Map<String, byte[]> records(Path zip) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                out.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return out;
    }

    /** Where the legacy layout's storage data starts: after five pickles. */
    private static int legacyPickleLength(byte[] file) {
        int at = 0;
        for (int i = 0; i < 5; i++) {
            WeightsUnpickler u = new WeightsUnpickler("f", file, at, file.length, PickleLimits.DEFAULT, (pid, where) ->
                    new Py.Storage("k", TorchDtype.F32, 1L << 40, 0), false);
            u.load();
            at = u.position();
        }
        return at;
    }
}
