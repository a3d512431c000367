package dev.modelport.goldens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The golden cases scripts/goldens/make_goldens.py wrote under src/test/resources/goldens: tiny
 * checkpoints saved by Hugging Face transformers, with transformers' own outputs on them
 * (golden.json, and golden.safetensors for the float32 tensors golden.json names by key).
 */
final class Goldens {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One case folder. */
    record Case(String name, Path dir, JsonNode json) {
        String kind() {
            return json.path("kind").asText();
        }

        String storedDtype() {
            return json.path("stored_dtype").asText();
        }

        /** The float32 tensor a {@code {"shape", "key"}} node of golden.json names. */
        Tensor tensor(JsonNode ref) {
            Tensor t = tensors(dir.resolve(json.path("tensors_file").asText("golden.safetensors")))
                    .get(ref.path("key").asText());
            if (t == null) {
                throw new IllegalStateException(name + ": golden.safetensors has no tensor " + ref.path("key"));
            }
            long[] shape = new long[ref.path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = ref.path("shape").get(i).asLong();
            }
            if (!java.util.Arrays.equals(shape, t.shape())) {
                throw new IllegalStateException(name + ": " + ref.path("key") + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", golden.json says " + java.util.Arrays.toString(shape));
            }
            return t;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A row-major float32 tensor. */
    record Tensor(long[] shape, float[] data) {
        int dim(int axis) {
            return (int) shape[axis];
        }

        /** The contiguous last-axis run at the given leading indices. */
        float[] row(int... leading) {
            int width = dim(shape.length - 1);
            int offset = 0;
            for (int axis = 0; axis < shape.length - 1; axis++) {
                offset = offset * dim(axis) + (axis < leading.length ? leading[axis] : 0);
            }
            return java.util.Arrays.copyOfRange(data, offset * width, offset * width + width);
        }
    }

    private static final Map<Path, Map<String, Tensor>> TENSORS = new ConcurrentHashMap<>();
    private static volatile List<Case> cases;

    private Goldens() {
    }

    /**
     * The goldens folder: {@code -Dmodelport.goldens=DIR} when given (to try freshly generated
     * goldens), else the test classpath copy, else the source folder.
     */
    static Path root() {
        String override = System.getProperty("modelport.goldens");
        if (override != null && !override.isBlank()) {
            return Path.of(override).toAbsolutePath();
        }
        URL url = Goldens.class.getClassLoader().getResource("goldens");
        if (url != null && url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        Path source = Path.of("src/test/resources/goldens");
        if (Files.isDirectory(source)) {
            return source.toAbsolutePath();
        }
        throw new IllegalStateException("no goldens folder: run scripts/goldens/make_goldens.sh");
    }

    /** Every case, sorted by name. Never empty: a missing folder fails the tests instead of skipping them. */
    static List<Case> all() {
        if (cases == null) {
            List<Case> found = new ArrayList<>();
            try (Stream<Path> dirs = Files.list(root())) {
                for (Path dir : dirs.sorted().toList()) {
                    Path golden = dir.resolve("golden.json");
                    if (Files.isRegularFile(golden)) {
                        found.add(new Case(dir.getFileName().toString(), dir, JSON.readTree(golden.toFile())));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (found.isEmpty()) {
                throw new IllegalStateException("no golden cases under " + root());
            }
            cases = List.copyOf(found);
        }
        return cases;
    }

    static Stream<Case> where(Predicate<Case> filter) {
        List<Case> picked = all().stream().filter(filter).toList();
        if (picked.isEmpty()) {
            throw new IllegalStateException("no golden case matches; the goldens folder is incomplete");
        }
        return picked.stream();
    }

    static Stream<Case> encoders() {
        return where(c -> c.kind().equals("encoder"));
    }

    static Stream<Case> decoders() {
        return where(c -> c.kind().equals("decoder"));
    }

    static Stream<Case> lowPrecision() {
        return where(c -> c.json().has("reference_lowp_max_abs_diff"));
    }

    static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs1(rows.get(i));
        }
        return out;
    }

    static long[] longs1(JsonNode row) {
        long[] out = new long[row.size()];
        for (int j = 0; j < out.length; j++) {
            out[j] = row.get(j).asLong();
        }
        return out;
    }

    static Map<String, Tensor> tensors(Path file) {
        return TENSORS.computeIfAbsent(file, Goldens::readSafetensors);
    }

    /** A minimal safetensors reader (F32 only), independent of the runtime's own. */
    private static Map<String, Tensor> readSafetensors(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = buf.getLong(0);
            int dataStart = Math.toIntExact(8 + headerLength);
            JsonNode header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
            Map<String, Tensor> out = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode info = e.getValue();
                if (!info.path("dtype").asText().equals("F32")) {
                    throw new IllegalStateException(file + ": " + e.getKey() + " is " + info.path("dtype") + ", not F32");
                }
                long[] shape = longs1(info.path("shape"));
                int begin = dataStart + info.path("data_offsets").get(0).asInt();
                int end = dataStart + info.path("data_offsets").get(1).asInt();
                float[] data = new float[(end - begin) / 4];
                buf.position(begin);
                buf.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
                out.put(e.getKey(), new Tensor(shape, data));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
