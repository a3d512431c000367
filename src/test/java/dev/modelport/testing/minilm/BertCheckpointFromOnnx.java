package dev.modelport.testing.minilm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.testing.minilm.OnnxGraph.Initializer;
import dev.modelport.testing.minilm.OnnxGraph.Node;
import dev.modelport.testing.models.SafetensorsWriter;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.SafetensorsWriter.Tensor;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lifts a BERT encoder's weights out of an ONNX export (as {@code optimum} writes it) into the
 * tensors of the PyTorch checkpoint, under Hugging Face's {@code BertModel} key names.
 *
 * <p>The export keeps embeddings, biases and LayerNorms under their checkpoint names, but stores
 * every {@code nn.Linear} weight as an anonymous {@code onnx::MatMul_N} initializer, transposed to
 * [in, out]. Each such MatMul feeds an Add whose other input is the Linear's bias, so the bias name
 * names the weight.
 */
public final class BertCheckpointFromOnnx {

    private static final String BIAS = ".bias";

    private BertCheckpointFromOnnx() {
    }

    /** The checkpoint, F32, checked against the shapes {@code config} implies; fails naming what is wrong. */
    public static SafetensorsWriter convert(OnnxGraph graph, JsonNode config) {
        SafetensorsWriter checkpoint = new SafetensorsWriter();
        for (Initializer init : graph.initializers().values()) {
            if (init.dataType() == OnnxGraph.FLOAT && !init.name().startsWith("onnx::")) {
                checkpoint.put(init.name(), DType.F32, init.dims(), init.floats());
            }
        }
        linearWeights(graph).forEach((name, weight) -> checkpoint.put(name, DType.F32, weight.shape(), weight.floats()));
        Initializer positionIds = graph.initializers().get("embeddings.position_ids");
        if (positionIds != null && positionIds.dataType() == OnnxGraph.INT64) {
            // A registered buffer, not a parameter: PyTorch checkpoints of this era still carry it.
            long[] ids = new long[positionIds.data().remaining() / Long.BYTES];
            positionIds.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(ids);
            checkpoint.putLongs(positionIds.name(), positionIds.dims(), ids);
        }
        checkAgainst(expectedShapes(config), checkpoint.tensors());
        return checkpoint;
    }

    private static Map<String, Tensor> linearWeights(OnnxGraph graph) {
        Map<String, Node> addByInput = new LinkedHashMap<>();
        for (Node node : graph.nodes()) {
            if (node.opType().equals("Add")) {
                node.inputs().forEach(input -> addByInput.put(input, node));
            }
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Node matMul : graph.nodes()) {
            if (!matMul.opType().equals("MatMul") || matMul.inputs().size() != 2) {
                continue;
            }
            Initializer weight = graph.initializers().get(matMul.inputs().get(1));
            if (weight == null) {
                continue; // attention's activation x activation products
            }
            Node add = addByInput.get(matMul.outputs().getFirst());
            String bias = add == null ? null : add.inputs().stream()
                    .filter(in -> in.endsWith(BIAS) && graph.initializers().containsKey(in))
                    .findFirst().orElse(null);
            if (bias == null) {
                throw new IllegalStateException("MatMul weight " + weight.name() + " is not followed by a bias Add");
            }
            String name = bias.substring(0, bias.length() - BIAS.length()) + ".weight";
            if (weights.put(name, transpose(weight)) != null) {
                throw new IllegalStateException("two MatMul weights map to " + name);
            }
        }
        return weights;
    }

    /** ONNX keeps x·W with W [in, out]; nn.Linear stores W as [out, in]. */
    private static Tensor transpose(Initializer weight) {
        if (weight.dims().length != 2) {
            throw new IllegalStateException(weight.name() + " is not a matrix: " + Arrays.toString(weight.dims()));
        }
        int rows = (int) weight.dims()[0];
        int cols = (int) weight.dims()[1];
        float[] in = weight.floats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = in[r * cols + c];
            }
        }
        return new Tensor(DType.F32, new long[] {cols, rows}, out, null);
    }

    /** Every tensor {@code BertModel} has, minus the pooler, which a sentence-embedding export drops. */
    static Map<String, long[]> expectedShapes(JsonNode config) {
        long h = config.path("hidden_size").asLong();
        long i = config.path("intermediate_size").asLong();
        Map<String, long[]> shapes = new TreeMap<>();
        shapes.put("embeddings.word_embeddings.weight", new long[] {config.path("vocab_size").asLong(), h});
        shapes.put("embeddings.position_embeddings.weight", new long[] {config.path("max_position_embeddings").asLong(), h});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {config.path("type_vocab_size").asLong(), h});
        shapes.put("embeddings.position_ids", new long[] {1, config.path("max_position_embeddings").asLong()});
        layerNorm(shapes, "embeddings.LayerNorm", h);
        for (int layer = 0; layer < config.path("num_hidden_layers").asInt(); layer++) {
            String p = "encoder.layer." + layer + ".";
            for (String proj : List.of("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                linear(shapes, p + proj, h, h);
            }
            layerNorm(shapes, p + "attention.output.LayerNorm", h);
            linear(shapes, p + "intermediate.dense", i, h);
            linear(shapes, p + "output.dense", h, i);
            layerNorm(shapes, p + "output.LayerNorm", h);
        }
        return shapes;
    }

    private static void linear(Map<String, long[]> shapes, String prefix, long out, long in) {
        shapes.put(prefix + ".weight", new long[] {out, in});
        shapes.put(prefix + ".bias", new long[] {out});
    }

    private static void layerNorm(Map<String, long[]> shapes, String prefix, long h) {
        shapes.put(prefix + ".weight", new long[] {h});
        shapes.put(prefix + ".bias", new long[] {h});
    }

    private static void checkAgainst(Map<String, long[]> expected, Map<String, Tensor> actual) {
        StringBuilder problems = new StringBuilder();
        expected.forEach((name, shape) -> {
            Tensor t = actual.get(name);
            if (t == null) {
                problems.append("\n  missing ").append(name);
            } else if (!Arrays.equals(shape, t.shape())) {
                problems.append("\n  ").append(name).append(" has shape ").append(Arrays.toString(t.shape()))
                        .append(", expected ").append(Arrays.toString(shape));
            }
        });
        actual.keySet().stream().filter(k -> !expected.containsKey(k))
                .forEach(k -> problems.append("\n  unexpected ").append(k));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ONNX export does not give a BertModel checkpoint:" + problems);
        }
    }
}
