package dev.modelport.testing.minilm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.testing.models.SafetensorsTestReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The written repo is the real all-MiniLM-L6-v2: the Hub files, and the export's weights under the checkpoint's names and layouts. */
class MiniLmRepoTest {

    private static Path repo;
    private static OnnxReference onnx;

    @BeforeAll
    static void setUp() {
        repo = MiniLmRepo.folder();
        onnx = new OnnxReference(repo.resolve("tokenizer.json"), 2);
    }

    @AfterAll
    static void tearDown() {
        onnx.close();
    }

    @Test
    void repoHasTheHubFilesAndAGenuineSafetensorsHeader() throws Exception {
        for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "modules.json",
                "1_Pooling/config.json", "sentence_bert_config.json", "special_tokens_map.json", ".hubmeta.json")) {
            assertTrue(Files.isRegularFile(repo.resolve(file)), file);
        }
        byte[] bytes = Files.readAllBytes(repo.resolve("model.safetensors"));
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        List<String> keys = new ArrayList<>();
        header.fieldNames().forEachRemaining(keys::add);
        keys.remove("__metadata__");
        // 5 embedding tensors + 16 per layer x 6 layers, plus the position_ids buffer; no pooler in the export
        assertEquals(102, keys.size());
        assertEquals(keys.stream().sorted().toList(), keys);
        assertShape(header, "embeddings.word_embeddings.weight", "F32", 30522, 384);
        assertShape(header, "encoder.layer.0.attention.self.query.weight", "F32", 384, 384);
        assertShape(header, "encoder.layer.5.intermediate.dense.weight", "F32", 1536, 384);
        assertShape(header, "encoder.layer.5.output.dense.weight", "F32", 384, 1536);
        assertShape(header, "embeddings.position_ids", "I64", 1, 512);
        long last = header.path("encoder.layer.5.output.dense.weight").path("data_offsets").get(1).asLong();
        long dataEnd = 0;
        for (String k : keys) {
            dataEnd = Math.max(dataEnd, header.path(k).path("data_offsets").get(1).asLong());
        }
        assertEquals(bytes.length - 8 - headerLength, dataEnd, "data section ends with the last tensor");
        assertTrue(last <= dataEnd);
    }

    @Test
    void onnxExportTakesTheThreeBertInputs() {
        assertEquals(Set.of("input_ids", "attention_mask", "token_type_ids"), onnx.inputNames());
    }

    @Test
    void referenceTokenizerTruncatesAtMaxSeqLengthAndDoesNotPad() {
        assertTrue(onnx.encode("A short sentence.").getIds().length < 16, "stored fixed padding to 128 must not apply");
        String longText = "word ".repeat(400);
        assertEquals(OnnxReference.MAX_SEQ_LENGTH, onnx.encode(longText).getIds().length);
        String medium = "word ".repeat(200);
        assertEquals(202, onnx.encode(medium).getIds().length, "stored truncation to 128 must not apply");
    }

    @Test
    void everyTensorHoldsTheExportsNumbersWithLinearWeightsTransposedBack() {
        OnnxGraph graph = OnnxGraph.parse(MiniLmRepo.onnxBytes());
        Map<String, SafetensorsTestReader.Tensor> written = SafetensorsTestReader.readRepo(repo);
        assertArrayEquals(graph.initializers().get("embeddings.word_embeddings.weight").floats(),
                written.get("embeddings.word_embeddings.weight").values());
        assertArrayEquals(graph.initializers().get("encoder.layer.5.output.LayerNorm.bias").floats(),
                written.get("encoder.layer.5.output.LayerNorm.bias").values());
        // the export computes x·M for the last layer's FFN output projection; nn.Linear stores W = Mᵀ [384, 1536]
        String exportName = graph.nodes().stream()
                .filter(n -> n.opType().equals("MatMul") && n.outputs().getFirst().startsWith("/encoder/layer.5/output/dense/"))
                .findFirst().orElseThrow().inputs().get(1);
        float[] m = graph.initializers().get(exportName).floats();
        float[] w = written.get("encoder.layer.5.output.dense.weight").values();
        for (int out = 0; out < 384; out += 37) {
            for (int in = 0; in < 1536; in += 101) {
                assertEquals(m[in * 384 + out], w[out * 1536 + in], 0f, "W[" + out + "][" + in + "]");
            }
        }
    }

    private static void assertShape(JsonNode header, String key, String dtype, long... shape) {
        JsonNode entry = header.path(key);
        assertEquals(dtype, entry.path("dtype").asText(), key);
        long[] actual = new long[entry.path("shape").size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = entry.path("shape").get(i).asLong();
        }
        assertArrayEquals(shape, actual, key);
    }
}
