package dev.modelport.testing.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyCheckpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void wordPieceTokenizerEncodesWithBertSpecialTokens() throws Exception {
        TinyRepo repo = TinyCheckpoints.bert(dir, Head.SEQUENCE_CLASSIFICATION);
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            Encoding e = tok.encode("Hello World xyz");
            var v = repo.vocabulary();
            assertArrayEquals(new long[] {v.cls(), v.id("hello"), v.id("world"), v.id("x"), v.id("##y"), v.id("##z"), v.sep()},
                    e.getIds());
            Encoding pair = tok.encode("hello", "world");
            assertArrayEquals(new long[] {0, 0, 0, 1, 1}, pair.getTypeIds());
            assertEquals("hello world xyz", tok.decode(e.getIds(), true));
        }
    }

    @Test
    void byteLevelTokenizerEncodesWithRobertaSpecialTokens() throws Exception {
        TinyRepo repo = TinyCheckpoints.roberta(dir, Head.MASKED_LM);
        var v = repo.vocabulary();
        try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"))) {
            Encoding e = tok.encode("hello world");
            assertArrayEquals(new long[] {v.cls(), v.id("hello"), v.id("\u0120world"), v.sep()}, e.getIds());
            Encoding masked = tok.encode("hello <mask>");
            assertEquals(v.mask(), masked.getIds()[2]);
            Encoding pair = tok.encode("hello", "world");
            assertArrayEquals(new long[] {v.cls(), v.id("hello"), v.sep(), v.sep(), v.id("world"), v.sep()}, pair.getIds());
            assertEquals("hello world", tok.decode(e.getIds(), true));
            assertArrayEquals(new long[] {0, 5}, new long[] {e.getCharTokenSpans()[1].getStart(), e.getCharTokenSpans()[1].getEnd()});
        }
        assertTrue(Files.exists(dir.resolve("vocab.json")) && Files.exists(dir.resolve("merges.txt")));
    }

    @Test
    void safetensorsHeaderIsAlignedSortedAndCarriesMetadata() throws Exception {
        TinyCheckpoints.builder(Family.DISTILBERT, Head.QUESTION_ANSWERING).dtype(DType.F16).write(dir);
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        JsonNode header = JSON.readTree(new String(bytes, 8, (int) n).trim());
        assertEquals("pt", header.get("__metadata__").get("format").asText());
        var names = new java.util.ArrayList<String>();
        header.fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        var sorted = names.stream().sorted().toList();
        assertEquals(sorted, names);
        assertEquals("F16", header.get("qa_outputs.weight").get("dtype").asText());
        assertEquals("I64", header.get("distilbert.embeddings.position_ids").get("dtype").asText());
        long last = header.get(names.get(names.size() - 1)).get("data_offsets").get(1).asLong();
        assertEquals(bytes.length, 8 + n + last);
    }

    @Test
    void headsHaveTheirRealKeysAndConfigFields() throws Exception {
        TinyRepo mlm = TinyCheckpoints.bert(dir.resolve("mlm"), Head.MASKED_LM);
        assertTrue(mlm.shapes().containsKey("cls.predictions.bias"));
        assertFalse(mlm.shapes().containsKey("cls.predictions.decoder.weight"), "tied decoder is left out");
        assertFalse(mlm.shapes().containsKey("bert.pooler.dense.weight"));

        TinyRepo base = TinyCheckpoints.bert(dir.resolve("base"), Head.BASE);
        assertTrue(base.shapes().containsKey("embeddings.word_embeddings.weight"), "BertModel saves without prefix");
        assertTrue(base.shapes().containsKey("pooler.dense.weight"));

        TinyRepo ner = TinyCheckpoints.roberta(dir.resolve("ner"), Head.TOKEN_CLASSIFICATION);
        JsonNode config = JSON.readTree(ner.dir().resolve("config.json").toFile());
        assertEquals("RobertaForTokenClassification", config.get("architectures").get(0).asText());
        assertEquals("B-PER", config.get("id2label").get("1").asText());
        assertEquals(1, config.get("pad_token_id").asInt());
        assertEquals(TinyCheckpoints.MAX_TOKENS + 2, config.get("max_position_embeddings").asInt());
        assertArrayEquals(new long[] {5, TinyCheckpoints.HIDDEN}, ner.shapes().get("classifier.weight"));
        assertEquals("token-classification",
                JSON.readTree(ner.dir().resolve(".hubmeta.json").toFile()).get("pipeline_tag").asText());
    }

    @Test
    void shardedAndBf16CheckpointsReadBackToTheSameValues() {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).seed(5).write(dir.resolve("f32"));
        TinyCheckpoints.builder(Family.BERT, Head.BASE).seed(5).dtype(DType.BF16).shards(3).write(dir.resolve("bf16"));
        Map<String, SafetensorsTestReader.Tensor> f32 = SafetensorsTestReader.readRepo(dir.resolve("f32"));
        Map<String, SafetensorsTestReader.Tensor> bf16 = SafetensorsTestReader.readRepo(dir.resolve("bf16"));
        assertTrue(Files.exists(dir.resolve("bf16/model-00003-of-00003.safetensors")));
        assertEquals(f32.keySet(), bf16.keySet());
        float[] a = f32.get("encoder.layer.1.output.dense.weight").values();
        float[] b = bf16.get("encoder.layer.1.output.dense.weight").values();
        float[] rounded = a.clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = SafetensorsWriter.roundTo(DType.BF16, a[i]);
        }
        assertArrayEquals(rounded, b);
        assertFalse(Arrays.equals(a, b));
    }
}
