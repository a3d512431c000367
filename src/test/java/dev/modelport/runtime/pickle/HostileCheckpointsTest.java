package dev.modelport.runtime.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzz corpus of scripts/goldens/make_hostile_pickles.py (src/test/resources/pickle/hostile):
 * every hostile, malformed or unsupported checkpoint is refused with its code and a message naming
 * what it met, within a few seconds, and never with any other exception; the valid control loads.
 * Also: our allow-list is torch's, and each bound of {@link PickleLimits} is enforced.
 */
class HostileCheckpointsTest {

    private static final Duration LIMIT = Duration.ofSeconds(5);

    record Case(String file, String code, String message, String what, JsonNode tensors) {
        @Override
        public String toString() {
            return file + " (" + what + ")";
        }
    }

    static List<Case> corpus() throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(PickleResources.hostile().resolve("manifest.json").toFile());
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : manifest.path("cases")) {
            cases.add(new Case(c.path("file").asText(), c.path("code").asText(), c.path("message").asText(),
                    c.path("what").asText(), c.path("tensors")));
        }
        return cases;
    }

    static Stream<Case> cases() throws IOException {
        return corpus().stream();
    }

    @Test
    void theCorpusCoversEveryKindOfRefusal() throws IOException {
        List<Case> all = corpus();
        assertTrue(all.size() >= 80, "a corpus of " + all.size());
        assertTrue(all.stream().filter(c -> c.code().equals("UNSAFE_WEIGHTS")).count() >= 25);
        assertTrue(all.stream().filter(c -> c.code().equals("INVALID_CHECKPOINT")).count() >= 40);
        assertTrue(all.stream().anyMatch(c -> c.code().equals("UNSUPPORTED_MODEL_FILES")));
        assertTrue(all.stream().filter(c -> c.code().equals("OK")).count() >= 8, "valid forms torch writes");
        for (Case c : all) {
            assertTrue(Files.isRegularFile(PickleResources.hostile().resolve(c.file())), c.file());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseIsRefusedCleanlyAndQuickly(Case c) {
        Path file = PickleResources.hostile().resolve(c.file());
        assertTimeoutPreemptively(LIMIT, () -> {
            if (c.code().equals("OK")) {
                try (TorchPickleFile f = TorchPickleFile.open(file, "pytorch_model.bin")) {
                    assertEquals(c.tensors().size(), f.tensors().size(), c + ": " + f.tensors().keySet());
                    for (Map.Entry<String, JsonNode> e : c.tensors().properties()) {
                        TensorInfo t = f.tensors().get(e.getKey());
                        assertEquals(e.getValue().path("dtype").asText(), t.dtype(), c + " " + e.getKey());
                        long[] shape = new long[e.getValue().path("shape").size()];
                        for (int i = 0; i < shape.length; i++) {
                            shape[i] = e.getValue().path("shape").get(i).asLong();
                        }
                        assertArrayEquals(shape, t.shape(), c + " " + e.getKey());
                        ByteBuffer bytes = f.slice(t, 0, t.byteSize());
                        byte[] got = new byte[bytes.remaining()];
                        bytes.get(got);
                        assertEquals(e.getValue().path("hex").asText(), HexFormat.of().formatHex(got), c + " " + e.getKey());
                    }
                }
                return;
            }
            ModelportException e = refusal(file, c);
            assertEquals(ErrorCode.valueOf(c.code()), e.code(), c + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("pytorch_model.bin "), e.getMessage());
            assertTrue(e.getMessage().contains(c.message()), c + ": expected '" + c.message() + "' in: " + e.getMessage());
            assertFalse(e.getMessage().contains(file.getParent().toString()), "no server path in: " + e.getMessage());
        }, c.toString());
    }

    private static ModelportException refusal(Path file, Case c) {
        try (TorchPickleFile f = TorchPickleFile.open(file, "pytorch_model.bin")) {
            return fail(c + " was read: " + f.tensors().keySet());
        } catch (ModelportException e) {
            return e;
        } catch (RuntimeException | Error e) {
            return fail(c + " threw " + e, e);
        }
    }

    @Test
    void aHostileFileRefusesTheWholeCheckpointThroughTheRepoFolder(@TempDir Path dir) throws IOException {
        Files.copy(PickleResources.hostile().resolve("reduce-os-system.bin"), dir.resolve(PickleCheckpoint.SINGLE_FILE));
        ModelportException e = assertThrows(ModelportException.class, () -> PickleCheckpoint.open(dir));
        assertEquals(ErrorCode.UNSAFE_WEIGHTS, e.code());
        assertEquals(422, e.code().category().httpStatus());
        assertTrue(e.getMessage().contains("posix.system") && e.getMessage().contains("nothing in it was run"), e.getMessage());
    }

    @Test
    void theAllowListIsTorchs() throws IOException {
        Set<String> torch = new TreeSet<>();
        for (String line : Files.readAllLines(PickleResources.root().resolve("torch-weights-only-globals.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                torch.add(line.strip());
            }
        }
        assertEquals(torch, new TreeSet<>(AllowedGlobals.names()),
                "AllowedGlobals must list exactly what torch.load(weights_only=True) allows");
    }

    // ---- each bound, with small limits so the files stay small

    private static final PickleLimits SMALL = new PickleLimits(4096, 8, 64, 16, 256, 64, 4, 32, 2);

    private static ModelportException refusedWith(PickleLimits limits, byte[] pkl) throws IOException {
        return refusedWith(limits, pkl, TestZips.FOUR_FLOATS);
    }

    private static ModelportException refusedWith(PickleLimits limits, byte[] pkl, byte[] storage) throws IOException {
        Path dir = Files.createTempDirectory("pickle-limits");
        try {
            Path file = dir.resolve("pytorch_model.bin");
            Files.write(file, TestZips.torchZip(pkl, storage));
            return assertThrows(ModelportException.class, () -> TorchPickleFile.open(file, "pytorch_model.bin", limits).close());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void boundsAreEnforced() throws IOException {
        PickleBytes memo = PickleBytes.proto().none();
        for (int i = 0; i < 17; i++) {
            memo.raw('r').u32(i);
        }
        assertTrue(refusedWith(SMALL, memo.stop()).getMessage().contains("more than 16 memo entries"));

        PickleBytes stack = PickleBytes.proto();
        for (int i = 0; i < 65; i++) {
            stack.none();
        }
        assertTrue(refusedWith(SMALL, stack.stop()).getMessage().contains("more than 64 values on the pickle stack"));

        PickleBytes values = PickleBytes.proto().raw(']');
        for (int i = 0; i < 40; i++) {
            values.raw('(');
            for (int j = 0; j < 8; j++) {
                values.none();
            }
            values.raw('e');
        }
        assertTrue(refusedWith(SMALL, values.stop()).getMessage().contains("builds more than 256 values"));

        assertTrue(refusedWith(SMALL, PickleBytes.proto().unicode("x".repeat(65)).stop()).getMessage()
                .contains("string of 65 bytes"));
        assertTrue(refusedWith(SMALL, PickleBytes.proto().none().raw(']').stop()).code() == ErrorCode.INVALID_CHECKPOINT);
        byte[] big = PickleBytes.proto().unicode("x".repeat(60)).stop();
        byte[] many = new byte[5000];
        java.util.Arrays.fill(many, (byte) 'N');
        assertTrue(refusedWith(SMALL, concat(new byte[] {(byte) 0x80, 2}, many, big)).getMessage().contains("over the limit of 4096"));
        assertTrue(refusedWith(SMALL, PickleBytes.proto().raw("((((((((((".getBytes()).stop()).getMessage()
                .contains("more than 8 MARKs"));
        byte[] fiveDims = PickleBytes.proto().raw('}').unicode("w")
                .tensor("0", 4, 0, new long[] {1, 1, 1, 1, 4}, new long[] {4, 4, 4, 4, 1}).raw('s').stop();
        assertTrue(refusedWith(SMALL, fiveDims).getMessage().contains("5 dimensions"));
        // 20 names for the whole of one 4 KiB storage: 80 KiB of tensors in a file of some 7 KiB
        PickleBytes views = PickleBytes.proto().raw('}').raw('(');
        for (int i = 0; i < 20; i++) {
            views.unicode("w" + i).tensor("0", 1024, 0, new long[] {1024}, new long[] {1});
        }
        PickleLimits roomy = new PickleLimits(1 << 20, 8, 4096, 4096, 1 << 16, 64, 4, 32, 2);
        assertTrue(refusedWith(roomy, views.raw('u').stop(), new byte[4096]).getMessage().contains("more than 2 times the file"));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
