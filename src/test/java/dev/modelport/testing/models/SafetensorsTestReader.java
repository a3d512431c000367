package dev.modelport.testing.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deliberately plain safetensors parser for tests (whole file into memory, every float type
 * widened to float), independent of the runtime's memory-mapped reader so that references do not
 * share its bugs.
 */
public final class SafetensorsTestReader {

    /** A tensor as floats (I64 values converted too). */
    public record Tensor(String dtype, long[] shape, float[] values) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsTestReader() {
    }

    /** Reads model.safetensors, or every shard listed by model.safetensors.index.json, from a repo folder. */
    public static Map<String, Tensor> readRepo(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.exists(single)) {
            return read(single);
        }
        try {
            JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
            Set<String> files = new LinkedHashSet<>();
            index.get("weight_map").forEach(f -> files.add(f.asText()));
            Map<String, Tensor> all = new TreeMap<>();
            for (String f : files) {
                all.putAll(read(dir.resolve(f)));
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Tensor> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = Math.toIntExact(buf.getLong(0));
            JsonNode header = JSON.readTree(new String(bytes, 8, headerLength, java.nio.charset.StandardCharsets.UTF_8));
            int base = 8 + headerLength;
            Map<String, Tensor> out = new TreeMap<>();
            for (Iterator<String> it = header.fieldNames(); it.hasNext();) {
                String name = it.next();
                if (name.equals("__metadata__")) {
                    continue;
                }
                JsonNode e = header.get(name);
                String dtype = e.get("dtype").asText();
                long[] shape = new long[e.get("shape").size()];
                int n = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.get("shape").get(i).asLong();
                    n *= (int) shape[i];
                }
                int start = base + e.get("data_offsets").get(0).asInt();
                float[] values = new float[n];
                for (int i = 0; i < n; i++) {
                    values[i] = switch (dtype) {
                        case "F32" -> buf.getFloat(start + 4 * i);
                        case "F16" -> Float.float16ToFloat(buf.getShort(start + 2 * i));
                        case "BF16" -> Float.intBitsToFloat((buf.getShort(start + 2 * i) & 0xFFFF) << 16);
                        case "I64" -> buf.getLong(start + 8 * i);
                        default -> throw new IllegalArgumentException("dtype " + dtype);
                    };
                }
                out.put(name, new Tensor(dtype, shape, values));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
