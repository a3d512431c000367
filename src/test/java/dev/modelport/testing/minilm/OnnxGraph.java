package dev.modelport.testing.minilm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code ModelProto} a weight converter needs: the graph's initializers and its
 * nodes' wiring. Reads the protobuf wire format directly so the tests need no ONNX library.
 */
public record OnnxGraph(Map<String, Initializer> initializers, List<Node> nodes) {

    /** ONNX {@code TensorProto.DataType} values this reader hands out. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    /**
     * One stored tensor.
     *
     * @param data the values in little-endian byte order, as ONNX's {@code raw_data} keeps them
     */
    public record Initializer(String name, long[] dims, int dataType, ByteBuffer data) {
        public float[] floats() {
            if (dataType != FLOAT) {
                throw new IllegalStateException(name + " is not a float tensor (ONNX type " + dataType + ")");
            }
            float[] values = new float[data.remaining() / Float.BYTES];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
    }

    public record Node(String opType, List<String> inputs, List<String> outputs) {
    }

    public static OnnxGraph parse(byte[] model) {
        Wire modelProto = new Wire(ByteBuffer.wrap(model));
        while (modelProto.hasMore()) {
            int field = modelProto.tag();
            if (field == 7) { // ModelProto.graph
                return parseGraph(modelProto.message());
            }
            modelProto.skip();
        }
        throw new IllegalArgumentException("ONNX model has no graph");
    }

    private static OnnxGraph parseGraph(Wire graph) {
        Map<String, Initializer> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        while (graph.hasMore()) {
            switch (graph.tag()) {
                case 1 -> nodes.add(parseNode(graph.message()));
                case 5 -> {
                    Initializer init = parseTensor(graph.message());
                    initializers.put(init.name(), init);
                }
                default -> graph.skip();
            }
        }
        return new OnnxGraph(initializers, nodes);
    }

    private static Node parseNode(Wire node) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String opType = null;
        while (node.hasMore()) {
            switch (node.tag()) {
                case 1 -> inputs.add(node.string());
                case 2 -> outputs.add(node.string());
                case 4 -> opType = node.string();
                default -> node.skip();
            }
        }
        return new Node(opType, inputs, outputs);
    }

    private static Initializer parseTensor(Wire tensor) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = null;
        ByteBuffer data = null;
        List<Float> floatData = new ArrayList<>();
        while (tensor.hasMore()) {
            switch (tensor.tag()) {
                case 1 -> tensor.varints(dims);
                case 2 -> dataType = (int) tensor.varint();
                case 4 -> tensor.floats(floatData);
                case 8 -> name = tensor.string();
                case 9 -> data = tensor.bytes();
                case 14 -> throw new IllegalArgumentException("external tensor data is not supported: " + name);
                default -> tensor.skip();
            }
        }
        if (data == null) {
            // Small exports keep floats in the typed field instead of raw_data.
            data = ByteBuffer.allocate(floatData.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            floatData.forEach(data::putFloat);
            data.flip();
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        return new Initializer(name, shape, dataType, data);
    }

    /** A cursor over one protobuf message. */
    private static final class Wire {
        private final ByteBuffer buf;
        private int wireType;

        Wire(ByteBuffer buf) {
            this.buf = buf;
        }

        boolean hasMore() {
            return buf.hasRemaining();
        }

        int tag() {
            long key = varint();
            wireType = (int) (key & 7);
            return (int) (key >>> 3);
        }

        long varint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = buf.get();
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }

        ByteBuffer bytes() {
            int length = Math.toIntExact(varint());
            ByteBuffer slice = buf.slice(buf.position(), length);
            buf.position(buf.position() + length);
            return slice;
        }

        Wire message() {
            return new Wire(bytes());
        }

        String string() {
            return java.nio.charset.StandardCharsets.UTF_8.decode(bytes()).toString();
        }

        /** A repeated int64: packed (wire type 2) or one element per tag. */
        void varints(List<Long> into) {
            if (wireType == 2) {
                Wire packed = message();
                while (packed.hasMore()) {
                    into.add(packed.varint());
                }
            } else {
                into.add(varint());
            }
        }

        /** A repeated float: packed (wire type 2) or one fixed32 per tag. */
        void floats(List<Float> into) {
            if (wireType == 2) {
                ByteBuffer packed = bytes().order(ByteOrder.LITTLE_ENDIAN);
                while (packed.hasRemaining()) {
                    into.add(packed.getFloat());
                }
            } else {
                into.add(buf.order(ByteOrder.LITTLE_ENDIAN).getFloat());
            }
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> buf.position(buf.position() + 8);
                case 2 -> bytes();
                case 5 -> buf.position(buf.position() + 4);
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
            }
        }
    }
}
