package dev.modelport.testing.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files the way the {@code safetensors} library does: an 8-byte little-endian
 * header length, a JSON header ({@code __metadata__} first, then tensors sorted by name) padded with
 * spaces to a multiple of 8, then the tensors' bytes back to back in header order.
 */
public final class SafetensorsWriter {

    /** Element types the tiny checkpoints use. */
    public enum DType {
        F32(4), F16(2), BF16(2), I64(8);

        public final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor as held before writing; float values for floating types, longs for I64. */
    public record Tensor(DType dtype, long[] shape, float[] floats, long[] longs) {
        public long byteSize() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n * dtype.bytes;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Tensor> tensors = new TreeMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));

    public SafetensorsWriter put(String name, DType dtype, long[] shape, float[] values) {
        if (dtype == DType.I64) {
            throw new IllegalArgumentException("use putLongs for I64");
        }
        checkCount(name, shape, values.length);
        tensors.put(name, new Tensor(dtype, shape.clone(), values.clone(), null));
        return this;
    }

    public SafetensorsWriter putLongs(String name, long[] shape, long[] values) {
        checkCount(name, shape, values.length);
        tensors.put(name, new Tensor(DType.I64, shape.clone(), null, values.clone()));
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Writes all tensors into one file. */
    public void write(Path file) {
        write(file, new ArrayList<>(tensors.keySet()));
    }

    /**
     * Writes the tensors into {@code shards} files named as {@code transformers} names them
     * ({@code model-00001-of-00003.safetensors}) plus {@code model.safetensors.index.json}.
     */
    public void writeSharded(Path dir, int shards) {
        List<String> names = new ArrayList<>(tensors.keySet());
        long total = tensors.values().stream().mapToLong(Tensor::byteSize).sum();
        ObjectNode index = JSON.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode weightMap = index.putObject("weight_map");
        int per = (names.size() + shards - 1) / shards;
        for (int s = 0; s < shards; s++) {
            List<String> part = names.subList(Math.min(names.size(), s * per), Math.min(names.size(), (s + 1) * per));
            String fileName = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
            write(dir.resolve(fileName), part);
            for (String n : part) {
                weightMap.put(n, fileName);
            }
        }
        try {
            Files.writeString(dir.resolve("model.safetensors.index.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Path file, List<String> names) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (String n : names) {
            Tensor t = tensors.get(n);
            ObjectNode e = header.putObject(n);
            e.put("dtype", t.dtype().name());
            var shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            e.putArray("data_offsets").add(offset).add(offset + t.byteSize());
            offset += t.byteSize();
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] h = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
            int pad = (8 - h.length % 8) % 8;
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length + pad);
            out.write(len.array());
            out.write(h);
            out.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
            for (String n : names) {
                out.write(encode(tensors.get(n)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> { for (float v : t.floats()) b.putFloat(v); }
            case F16 -> { for (float v : t.floats()) b.putShort(Float.floatToFloat16(v)); }
            case BF16 -> { for (float v : t.floats()) b.putShort(toBfloat16(v)); }
            case I64 -> { for (long v : t.longs()) b.putLong(v); }
        }
        return b.array();
    }

    /** Round-to-nearest-even truncation to the upper 16 bits, as torch does. */
    public static short toBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** The value a float holds after a round trip through {@code dtype}, for references. */
    public static float roundTo(DType dtype, float v) {
        return switch (dtype) {
            case F32, I64 -> v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> Float.intBitsToFloat((toBfloat16(v) & 0xFFFF) << 16);
        };
    }

    private static void checkCount(String name, long[] shape, int count) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != count) {
            throw new IllegalArgumentException(name + ": " + count + " values for shape " + java.util.Arrays.toString(shape));
        }
    }
}
