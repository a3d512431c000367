package dev.modelport.testing.minilm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes a {@code .safetensors} file as the format specifies: an 8-byte little-endian header length,
 * a JSON header (keys sorted, {@code dtype}, {@code shape}, {@code data_offsets} relative to the data
 * section), then the tensors' little-endian bytes back to back.
 */
public final class SafetensorsWriter {

    /** @param dtype safetensors' name, e.g. {@code F32} or {@code I64}; {@code data} little-endian */
    public record Tensor(String dtype, long[] shape, ByteBuffer data) {
        public static Tensor f32(long[] shape, float[] values) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            return new Tensor("F32", shape, bytes);
        }
    }

    private SafetensorsWriter() {
    }

    public static void write(Path file, SortedMap<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype());
            var shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + t.data().remaining();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] headerBytes = padToEight(json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8));
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(headerBytes));
            for (Tensor t : tensors.values()) {
                writeFully(out, t.data().duplicate());
            }
        }
    }

    /** The reference writer pads the header with spaces so the data section starts 8-byte aligned. */
    private static byte[] padToEight(byte[] header) {
        int padded = (header.length + 7) / 8 * 8;
        byte[] out = java.util.Arrays.copyOf(header, padded);
        java.util.Arrays.fill(out, header.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
