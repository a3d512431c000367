package dev.modelport.runtime.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.weights.WeightSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One memory-mapped safetensors file: the parsed header and zero-copy slices of the tensors' bytes.
 * Files under 2 GiB are mapped once; larger ones (a {@link MappedByteBuffer} is int-indexed) are
 * mapped per tensor. The mapping is released when the last slice becomes unreachable, so callers
 * copy what they keep.
 */
public final class SafetensorsFile implements WeightSource, AutoCloseable {

    /** Headers beyond this are not a safetensors file but garbage or an attack. */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String displayName;
    private final FileChannel channel;
    private final MappedByteBuffer whole;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(String displayName, FileChannel channel, MappedByteBuffer whole, Map<String, TensorInfo> tensors) {
        this.displayName = displayName;
        this.channel = channel;
        this.whole = whole;
        this.tensors = tensors;
    }

    /** @param displayName how errors name the file (its name in the repo, never a full path) */
    public static SafetensorsFile open(Path file, String displayName) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file);
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8 || channel.read(lengthBytes, 0) != 8) {
                throw invalid(displayName, "is too short to be a safetensors file");
            }
            long headerLength = lengthBytes.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw invalid(displayName, "has a corrupt header length " + headerLength);
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            channel.read(headerBytes, 8);
            JsonNode header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                TensorInfo info = parseEntry(displayName, e.getKey(), e.getValue(), dataStart);
                if (info.end() > size) {
                    throw invalid(displayName, "is truncated: tensor '" + info.name() + "' ends past the end of the file");
                }
                tensors.put(info.name(), info);
            }
            MappedByteBuffer whole = size <= Integer.MAX_VALUE ? channel.map(FileChannel.MapMode.READ_ONLY, 0, size) : null;
            return new SafetensorsFile(displayName, channel, whole, Collections.unmodifiableMap(tensors));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, displayName + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static TensorInfo parseEntry(String file, String name, JsonNode e, long dataStart) {
        JsonNode dtype = e.get("dtype");
        JsonNode shape = e.get("shape");
        JsonNode offsets = e.get("data_offsets");
        if (dtype == null || shape == null || offsets == null || offsets.size() != 2) {
            throw invalid(file, "has a malformed header entry for '" + name + "'");
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong();
        }
        TensorInfo info = new TensorInfo(name, dtype.asText(), dims, dataStart + offsets.get(0).asLong(),
                dataStart + offsets.get(1).asLong());
        SafetensorsDtype type = SafetensorsDtype.of(dtype.asText());
        if (type != null && info.elementCount() * type.bytes() != info.byteSize()) {
            throw invalid(file, "has tensor '" + name + "' whose byte range does not match shape " + info.shapeText());
        }
        return info;
    }

    @Override
    public String displayName() {
        return displayName;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The tensor's bytes, little-endian, positioned at 0. */
    public ByteBuffer slice(TensorInfo info) {
        return slice(info, 0, info.byteSize());
    }

    /**
     * {@code length} bytes of the tensor from {@code offset} (a part of a tensor too big for one
     * buffer, whose index is an int), little-endian, positioned at 0; a view of the mapping, not a copy.
     */
    @Override
    public ByteBuffer slice(TensorInfo info, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > info.byteSize() || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bytes " + offset + "+" + length + " are not within tensor " + info.name());
        }
        try {
            long begin = info.begin() + offset;
            ByteBuffer b = whole != null
                    ? whole.slice((int) begin, (int) length)
                    : channel.map(FileChannel.MapMode.READ_ONLY, begin, length);
            return b.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    displayName + " cannot be read at tensor '" + info.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written; a failed close loses nothing
            }
        }
    }

    private static ModelportException invalid(String file, String what) {
        return new ModelportException(ErrorCode.INVALID_CHECKPOINT, file + " " + what);
    }
}
