package dev.modelport.realmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.testing.minilm.MiniLmRepo;
import dev.modelport.testing.minilm.OnnxReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real all-MiniLM-L6-v2 checkpoint through our runtime and feature-extraction pipeline gives the
 * sentence embeddings ONNX Runtime gives on the original export, for the inputs users send: short
 * and long (past the stored 128-token truncation, and past the model's 256-token limit), accented,
 * emoji, CJK, and lists of mixed lengths run as one padded batch.
 */
class MiniLmEmbeddingsTest {

    private static final double MIN_COSINE = 0.9999;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SHORT = "The quick brown fox jumps over the lazy dog.";
    static final String ACCENTED = "Crème brûlée à la française, s'il vous plaît — naïve café au lait in Zürich and São Paulo.";
    static final String EMOJI = "I love pizza 🍕🍕 and parties 🎉, my family 👩‍👩‍👧 says hi 👋🏽!";
    static final String CJK = "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.";
    /** About 170 tokens: longer than the 128 that the stored tokenizer.json truncates to. */
    static final String LONG = ("Sentence embeddings map a whole text to one vector, so that texts with similar meaning "
            + "land close together; search engines, clustering and duplicate detection rely on them. ").repeat(5);
    /** About 400 tokens: longer than max_seq_length 256, so both sides must cut at the same token. */
    static final String TOO_LONG = ("The model only ever sees the first two hundred and fifty six tokens of a text, and "
            + "everything after that is silently dropped before the forward pass begins. ").repeat(12)
            + "This closing sentence is past the limit and must not change the embedding.";

    private static Path repo;
    private static OnnxReference onnx;
    private static LoadedModel model;
    private static ModelSpec spec;
    private static TaskPipelineFactory factory;
    private static Pipeline embeddings;
    private static double lowestCosine = 1;

    @BeforeAll
    static void setUp() {
        repo = MiniLmRepo.folder();
        onnx = new OnnxReference(repo.resolve("tokenizer.json"), 2);
        DjlModelRuntime runtime = new DjlModelRuntime(0);
        spec = runtime.inspect(repo.resolve("config.json"));
        model = runtime.load(repo, spec, new LoadOptions("cpu", "float32"));
        factory = new TaskPipelineFactory();
        embeddings = factory.create(model, repo, Task.FEATURE_EXTRACTION);
    }

    @AfterAll
    static void tearDown() {
        System.out.printf("MiniLM vs ONNX Runtime: lowest embedding cosine 1 - %.1e%n", 1 - lowestCosine);
        if (embeddings != null) {
            embeddings.close();
        }
        if (model != null) {
            model.close();
        }
        if (onnx != null) {
            onnx.close();
        }
    }

    @Test
    void theInputsCoverTheLengthsThatMatter() {
        assertTrue(onnx.encode(SHORT).getIds().length < 20);
        int longTokens = onnx.encode(LONG).getIds().length;
        assertTrue(longTokens > 128 && longTokens < OnnxReference.MAX_SEQ_LENGTH, "LONG has " + longTokens + " tokens");
        assertEquals(OnnxReference.MAX_SEQ_LENGTH, onnx.encode(TOO_LONG).getIds().length);
    }

    @Test
    void theHubTagAndArchitectureGiveSentenceSimilarityAndFeatureExtractionIsServable() {
        assertEquals("BertModel", spec.architecture());
        assertEquals(Task.SENTENCE_SIMILARITY, factory.resolveTask(spec, "sentence-similarity", null));
        assertEquals(Task.FEATURE_EXTRACTION, factory.resolveTask(spec, "sentence-similarity", "feature-extraction"));
    }

    @Test
    void eachSingleInputMatchesOnnxRuntime() {
        for (String text : List.of(SHORT, ACCENTED, EMOJI, CJK, LONG, TOO_LONG)) {
            float[] expected = onnx.embed(List.of(text))[0];
            float[] actual = vector(embeddings.run(TextNode.valueOf(text), null));
            assertClose(text, expected, actual);
        }
    }

    @Test
    void aListOfMixedLengthsRunsAsOneBatchAndEachRowMatchesOnnxRuntime() {
        List<String> texts = List.of(SHORT, TOO_LONG, EMOJI, "Hi", LONG, CJK, ACCENTED);
        ArrayNode inputs = JSON.createArrayNode();
        texts.forEach(inputs::add);
        JsonNode result = embeddings.run(inputs, null);
        assertEquals(texts.size(), result.size());
        float[][] expected = onnx.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertClose("row " + i + " (" + texts.get(i) + ")", expected[i], vector(result.get(i)));
        }
    }

    @Test
    void tokenVectorsWithoutPoolingAreTheLastHiddenState() {
        var batch = onnx.tokenize(List.of(EMOJI));
        float[][] expected = onnx.lastHiddenState(batch)[0];
        ObjectNode params = JSON.createObjectNode().put("pooling", "none");
        JsonNode tokens = embeddings.run(TextNode.valueOf(EMOJI), params);
        assertEquals(expected.length, tokens.size(), "one vector per token, special tokens included");
        for (int t = 0; t < expected.length; t++) {
            float[] actual = vector(tokens.get(t));
            for (int j = 0; j < expected[t].length; j++) {
                assertEquals(expected[t][j], actual[j], 1e-3, "token " + t + " dim " + j);
            }
        }
    }

    @Test
    void sentenceSimilarityScoresAreCosinesOfTheReferenceEmbeddings() {
        try (Pipeline similarity = factory.create(model, repo, Task.SENTENCE_SIMILARITY)) {
            List<String> sentences = List.of("A fast brown fox leaps over a sleepy dog.", CJK, LONG);
            ObjectNode inputs = JSON.createObjectNode().put("source_sentence", SHORT);
            sentences.forEach(inputs.putArray("sentences")::add);
            JsonNode scores = similarity.run(inputs, null);
            float[] source = onnx.embed(List.of(SHORT))[0];
            float[][] others = onnx.embed(sentences);
            assertEquals(sentences.size(), scores.size());
            for (int i = 0; i < sentences.size(); i++) {
                assertEquals(OnnxReference.cosine(source, others[i]), scores.get(i).asDouble(), 1e-4, sentences.get(i));
            }
            assertTrue(scores.get(0).asDouble() > scores.get(1).asDouble(), "a paraphrase scores above an unrelated text");
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        double cosine = OnnxReference.cosine(expected, actual);
        lowestCosine = Math.min(lowestCosine, cosine);
        assertTrue(cosine >= MIN_COSINE, what + ": cosine " + cosine);
        double norm = Math.sqrt(dot(actual, actual));
        assertEquals(1.0, norm, 1e-4, what + ": the repo's 2_Normalize module asks for unit vectors");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static float[] vector(JsonNode node) {
        assertTrue(node.isArray() && node.size() > 0 && node.get(0).isNumber(), "a flat vector, got " + node);
        float[] v = new float[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) node.get(i).asDouble();
        }
        return v;
    }
}
