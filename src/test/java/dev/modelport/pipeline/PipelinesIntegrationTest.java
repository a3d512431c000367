package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelRuntime;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyTokenizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every task end to end: tiny random checkpoints in genuine Hugging Face layouts, loaded by the real
 * runtime, served by the pipelines the factory builds. Random weights make the predictions arbitrary,
 * so the tests check what holds for any weights: shapes, sorting, probabilities, offsets that map
 * back into the input, batching equal to single runs.
 */
class PipelinesIntegrationTest {
    private static ModelRuntime runtime;
    private final TaskPipelineFactory factory = new TaskPipelineFactory();
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startRuntime() {
        runtime = new DjlModelRuntime(1);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Pipeline deploy(Family family, Head head, Task task) {
        return deploy(TinyCheckpoints.builder(family, head), task);
    }

    private Pipeline deploy(TinyCheckpoints.Builder builder, Task task) {
        builder.write(dir);
        return deployWritten(task);
    }

    private Pipeline deployWritten(Task task) {
        ModelSpec spec = runtime.inspect(dir.resolve("config.json"));
        LoadedModel model = runtime.load(dir, spec, new LoadOptions("cpu", "float32"));
        open.add(model);
        Pipeline pipeline = factory.create(model, dir, task);
        open.add(pipeline);
        assertEquals(task, pipeline.task());
        return pipeline;
    }

    private static String words(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(TinyTokenizer.WORDS.get((i * 7) % TinyTokenizer.WORDS.size())).append(' ');
        }
        return text.toString().trim();
    }

    private static ObjectNode params(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void assertInvalid(Runnable call, String expectedInMessage) {
        ModelportException e = assertThrows(ModelportException.class, call::run);
        assertEquals(ErrorCode.INVALID_INPUT, e.code());
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    // ---- text-classification

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"BERT", "DISTILBERT", "ROBERTA"})
    void textClassificationGivesSortedLabelScores(Family family) {
        Pipeline p = deploy(family, Head.SEQUENCE_CLASSIFICATION, Task.TEXT_CLASSIFICATION);
        JsonNode one = p.run(TextNode.valueOf("i love this product"), null);
        assertEquals(1, one.size());
        assertTrue(TinyCheckpoints.SENTIMENT_LABELS.contains(one.get(0).get("label").asText()));

        JsonNode all = p.run(TextNode.valueOf("i love this product"), params("{\"top_k\": null}"));
        assertEquals(2, all.size());
        assertTrue(all.get(0).get("score").asDouble() >= all.get(1).get("score").asDouble());
        assertEquals(1.0, all.get(0).get("score").asDouble() + all.get(1).get("score").asDouble(), 1e-6);
        assertEquals(one.get(0), all.get(0));

        JsonNode sigmoid = p.run(TextNode.valueOf("i love this product"), params("{\"top_k\": 2, \"function_to_apply\": \"sigmoid\"}"));
        assertNotEquals(1.0, sigmoid.get(0).get("score").asDouble() + sigmoid.get(1).get("score").asDouble(), 1e-6);

        ArrayNode texts = Json.array().add("i love this product").add("the worst service ever, would not buy again");
        JsonNode batch = p.run(texts, params("{\"top_k\": null}"));
        assertEquals(2, batch.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(all.get(i).get("label"), batch.get(0).get(i).get("label"), "a batch row equals the single run");
            assertEquals(all.get(i).get("score").asDouble(), batch.get(0).get(i).get("score").asDouble(), 1e-5);
        }
    }

    @Test
    void textClassificationRefusesBadParametersAndSurvivesLongInputs() {
        Pipeline p = deploy(Family.BERT, Head.SEQUENCE_CLASSIFICATION, Task.TEXT_CLASSIFICATION);
        assertInvalid(() -> p.run(TextNode.valueOf("ok"), params("{\"top_k\": 0}")), "top_k");
        assertInvalid(() -> p.run(TextNode.valueOf("ok"), params("{\"function_to_apply\": \"tanh\"}")), "function_to_apply");
        // {"text", "text_pair"} is an input (a text pair); other objects are not
        assertInvalid(() -> p.run(Json.object().put("question", "ok"), null), "inputs");
        assertInvalid(() -> p.run(Json.object().put("text_pair", "ok"), null), "inputs");
        assertInvalid(() -> p.run(Json.array().add("ok").add(3), null), "inputs");
        // 600 words is far over the tiny model's 128 positions: truncated, as transformers does
        assertEquals(1, p.run(TextNode.valueOf(words(600)), null).size());
        assertEquals(1, p.run(TextNode.valueOf(""), null).size());
    }

    // ---- token-classification

    @ParameterizedTest
    @ValueSource(strings = {"none", "simple", "first", "average", "max"})
    void entitiesMapBackIntoTheText(String strategy) {
        for (Family family : List.of(Family.BERT, Family.ROBERTA)) {
            Path repo = dir.resolve(family.name());
            TinyCheckpoints.builder(family, Head.TOKEN_CLASSIFICATION).seed(3).write(repo);
            ModelSpec spec = runtime.inspect(repo.resolve("config.json"));
            try (LoadedModel model = runtime.load(repo, spec, new LoadOptions("cpu", "float32"));
                 Pipeline p = factory.create(model, repo, Task.TOKEN_CLASSIFICATION)) {
                String text = "John Smith lives in Paris, près de Berlin 😀 and works at London";
                CodePointText chars = new CodePointText(text);
                // keep "O" too so that every token shows up, whatever the random weights predict
                JsonNode entities = p.run(TextNode.valueOf(text),
                        params("{\"aggregation_strategy\": \"" + strategy + "\", \"ignore_labels\": []}"));
                assertFalse(entities.isEmpty());
                int previousStart = 0;
                for (JsonNode e : entities) {
                    // offsets count code points, as Python does: the emoji is one character
                    int start = e.get("start").asInt();
                    int end = e.get("end").asInt();
                    // a byte-level "Ġ" alone has an empty (trimmed) span, as in transformers
                    assertTrue(0 <= start && start <= end && end <= chars.length(), e.toString());
                    assertTrue(start >= previousStart, "entities come in text order: " + entities);
                    previousStart = start;
                    // the word is the tokens decoded (transformers' convert_tokens_to_string), not the text slice
                    String word = e.get("word").asText();
                    String slice = chars.slice(start, end);
                    if (family == Family.BERT) {
                        // uncased WordPiece: the slice lower-cased and without accents; a group may
                        // start with a continuing piece, which keeps its "##"
                        assertEquals(uncased(slice), word.startsWith("##") ? word.substring(2) : word, e.toString());
                        if (Set.of("first", "average", "max").contains(strategy)) {
                            assertFalse(word.isBlank(), "whole words: " + entities);
                        }
                    } else if (!strategy.equals("none") && slice.chars().allMatch(c -> c < 0x80)) {
                        // byte-level BPE: the bytes of the text, with the space its first token carries
                        assertEquals(slice, word.strip(), e.toString());
                    }
                    double score = e.get("score").asDouble();
                    assertTrue(score > 0 && score <= 1, e.toString());
                    if (strategy.equals("none")) {
                        assertTrue(TinyCheckpoints.NER_LABELS.contains(e.get("entity").asText()));
                        assertTrue(e.get("index").asInt() > 0, "index counts [CLS] as 0");
                    } else {
                        assertFalse(e.has("index"));
                        assertFalse(e.get("entity_group").asText().startsWith("B-"));
                    }
                }
                JsonNode defaults = p.run(TextNode.valueOf(text), params("{\"aggregation_strategy\": \"" + strategy + "\"}"));
                for (JsonNode e : defaults) {
                    assertNotEquals("O", e.path(strategy.equals("none") ? "entity" : "entity_group").asText(), "O is dropped");
                }
            }
        }
    }

    /** What the tiny WordPiece tokenizer's BertNormalizer (lowercase, accents stripped) makes of a text. */
    private static String uncased(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "").toLowerCase(Locale.ROOT);
    }

    @Test
    void tokenClassificationBatchesAndRefusesUnknownStrategies() {
        Pipeline p = deploy(Family.BERT, Head.TOKEN_CLASSIFICATION, Task.TOKEN_CLASSIFICATION);
        JsonNode batch = p.run(Json.array().add("john lives in paris").add(""), params("{\"ignore_labels\": []}"));
        assertEquals(2, batch.size());
        assertEquals(4, batch.get(0).size(), "one entity per word piece with aggregation none");
        assertEquals(0, batch.get(1).size());
        assertInvalid(() -> p.run(TextNode.valueOf("john"), params("{\"aggregation_strategy\": \"longest\"}")),
                "aggregation_strategy");
    }

    // ---- fill-mask

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"BERT", "DISTILBERT", "ROBERTA"})
    void fillMaskRanksTheVocabularyAtTheMask(Family family) {
        Pipeline p = deploy(family, Head.MASKED_LM, Task.FILL_MASK);
        String mask = family == Family.ROBERTA ? "<mask>" : "[MASK]";
        JsonNode out = p.run(TextNode.valueOf("the " + mask + " is very good"), null);
        assertEquals(5, out.size());
        double previous = 1;
        for (JsonNode candidate : out) {
            double score = candidate.get("score").asDouble();
            assertTrue(score <= previous && score > 0);
            previous = score;
            String sequence = candidate.get("sequence").asText();
            assertFalse(sequence.contains(mask), sequence);
            String word = candidate.get("token_str").asText().trim();
            if (TinyTokenizer.WORDS.contains(word)) {
                // byte-level BPE joins a piece without "Ġ" to the word before: "thevery"
                assertTrue(sequence.startsWith(family == Family.ROBERTA ? "the" : "the " + word + " is")
                        && sequence.contains(word), candidate.toString());
            }
        }
        assertEquals(2, p.run(TextNode.valueOf("the " + mask + " is good"), params("{\"top_k\": 2}")).size());

        JsonNode targeted = p.run(TextNode.valueOf("the " + mask + " is good"), params("{\"targets\": [\"movie\", \"day\"]}"));
        assertEquals(2, targeted.size());
        if (family != Family.ROBERTA) {
            // whole vocabulary words; byte-level BPE may only know a target's first piece
            List<String> tokens = new ArrayList<>();
            targeted.forEach(c -> tokens.add(c.get("token_str").asText().trim()));
            assertTrue(tokens.containsAll(List.of("movie", "day")), tokens.toString());
        }

        assertInvalid(() -> p.run(TextNode.valueOf("no mask here"), null), mask);
        assertInvalid(() -> p.run(TextNode.valueOf(mask + " and " + mask), null), mask);
        JsonNode batch = p.run(Json.array().add("the " + mask + " is good").add("i " + mask + " it"), null);
        assertEquals(2, batch.size());
        assertEquals(5, batch.get(1).size());
    }

    // ---- question-answering

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"BERT", "ROBERTA"})
    void answersAreSlicesOfTheContext(Family family) {
        Pipeline p = deploy(family, Head.QUESTION_ANSWERING, Task.QUESTION_ANSWERING);
        String context = "John Smith lives in Paris. Paris is the capital of France and Berlin is the capital of Germany.";
        JsonNode answer = p.run(Json.object().put("question", "Where does John live?").put("context", context), null);
        assertAnswerIn(context, answer);

        JsonNode top = p.run(Json.object().put("question", "Where does John live?").put("context", context),
                params("{\"top_k\": 3}"));
        assertEquals(3, top.size());
        top.forEach(a -> assertAnswerIn(context, a));
        assertTrue(top.get(0).get("score").asDouble() >= top.get(1).get("score").asDouble());
        assertEquals(answer, top.get(0));
    }

    @Test
    void longContextsAreChunkedAndTheBestSpanWins() {
        Pipeline p = deploy(Family.BERT, Head.QUESTION_ANSWERING, Task.QUESTION_ANSWERING);
        // far beyond the tiny model's 128 tokens: several chunks; the words repeat, but the last
        // one occurs only there (answers with the same text merge and keep the first position)
        String context = words(400) + " the capital of france is paris. " + words(400) + " Zürich";
        ObjectNode input = Json.object().put("question", "What is the capital of France?").put("context", context);
        JsonNode many = p.run(input, params("{\"top_k\": 50, \"max_answer_len\": 4}"));
        assertEquals(50, many.size());
        many.forEach(a -> {
            assertAnswerIn(context, a);
            assertTrue(a.get("answer").asText().split(" ").length <= 4, a.toString());
        });
        // transformers merges spans with the same text, adding their scores, among each chunk's
        // 2 × top_k + 10 best spans: the text repeats here, so a larger top_k can rank another
        // answer first; the default's answer is still among them, with at least its score
        JsonNode best = p.run(input, params("{\"max_answer_len\": 4}"));
        assertMergedInto(best, many);

        // every span of every chunk, plus the no-answer candidate
        JsonNode all = p.run(input, params("{\"top_k\": 1000000, \"handle_impossible_answer\": true}"));
        boolean hasNull = false;
        boolean reachesEnd = false;
        for (JsonNode a : all) {
            assertAnswerIn(context, a);
            hasNull |= a.get("answer").asText().isEmpty() && a.get("start").asInt() == 0 && a.get("end").asInt() == 0;
            reachesEnd |= a.get("end").asInt() == context.length();
        }
        assertTrue(hasNull, "the no-answer candidate is offered");
        assertTrue(reachesEnd, "the last chunk reaches the context's end");
        assertMergedInto(p.run(input, null), all);

        JsonNode batch = p.run(Json.array().add(input).add(Json.object().put("question", "who?").put("context", "john smith")), null);
        assertEquals(2, batch.size());
        assertInvalid(() -> p.run(Json.object().put("question", "").put("context", "x"), null), "question");
        assertInvalid(() -> p.run(TextNode.valueOf("where?"), null), "question");
        assertAnswerIn("john smith", batch.get(1));
        // a question longer than the whole model limit is cut, not an error
        assertAnswerIn(context, p.run(Json.object().put("question", words(300)).put("context", context), null));
    }

    /** The answer's text is among the answers found with more candidate spans, its score no larger. */
    private static void assertMergedInto(JsonNode answer, JsonNode answers) {
        for (JsonNode a : answers) {
            if (a.get("answer").asText().equalsIgnoreCase(answer.get("answer").asText())) {
                assertTrue(a.get("score").asDouble() >= answer.get("score").asDouble() - 1e-12, answer + " vs " + a);
                return;
            }
        }
        throw new AssertionError(answer + " is not among " + answers);
    }

    private static void assertAnswerIn(String context, JsonNode answer) {
        int start = answer.get("start").asInt();
        int end = answer.get("end").asInt();
        assertTrue(0 <= start && start <= end && end <= context.length(), answer.toString());
        assertEquals(context.substring(start, end), answer.get("answer").asText());
        double score = answer.get("score").asDouble();
        assertTrue(score >= 0 && score <= 1, answer.toString());
    }

    // ---- feature-extraction and sentence-similarity

    @Test
    void embeddingsOfABatchEqualSingleRuns() {
        Pipeline p = deploy(Family.BERT, Head.BASE, Task.FEATURE_EXTRACTION);
        String shortText = "hello world";
        String longText = words(60);
        JsonNode single = p.run(TextNode.valueOf(shortText), null);
        assertEquals(TinyCheckpoints.HIDDEN, single.size());
        JsonNode batch = p.run(Json.array().add(longText).add(shortText), null);
        assertEquals(2, batch.size());
        assertVectorsClose(single, batch.get(1), 1e-5);
        assertVectorsClose(p.run(TextNode.valueOf(longText), null), batch.get(0), 1e-5);

        JsonNode tokens = p.run(TextNode.valueOf(shortText), params("{\"pooling\": \"none\"}"));
        assertEquals(4, tokens.size(), "[CLS] hello world [SEP]");
        assertEquals(TinyCheckpoints.HIDDEN, tokens.get(0).size());
        // plain repos: mean pooling over the token vectors, no normalization
        for (int i = 0; i < TinyCheckpoints.HIDDEN; i++) {
            double mean = 0;
            for (JsonNode token : tokens) {
                mean += token.get(i).asDouble() / tokens.size();
            }
            assertEquals(mean, single.get(i).asDouble(), 1e-5);
        }
        assertEquals(1.0, norm(p.run(TextNode.valueOf(shortText), params("{\"normalize\": true}"))), 1e-5);
        assertEquals(TinyCheckpoints.HIDDEN, p.run(TextNode.valueOf(words(600)), null).size(), "long inputs are truncated");
        assertInvalid(() -> p.run(TextNode.valueOf("x"), params("{\"pooling\": \"median\"}")), "pooling");
    }

    @Test
    void onePipelineServesConcurrentCallers() throws Exception {
        Pipeline p = deploy(Family.BERT, Head.TOKEN_CLASSIFICATION, Task.TOKEN_CLASSIFICATION);
        List<String> texts = List.of("john smith lives in paris", "berlin is the capital of germany", words(80), "ok");
        List<JsonNode> expected = new ArrayList<>();
        for (String text : texts) {
            expected.add(p.run(TextNode.valueOf(text), params("{\"aggregation_strategy\": \"simple\", \"ignore_labels\": []}")));
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int which = i % texts.size();
                results.add(pool.submit(() -> sameEntities(expected.get(which),
                        p.run(TextNode.valueOf(texts.get(which)), params("{\"aggregation_strategy\": \"simple\", \"ignore_labels\": []}")))));
            }
            for (var result : results) {
                assertTrue(result.get());
            }
        }
    }

    private static boolean sameEntities(JsonNode expected, JsonNode actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            JsonNode a = expected.get(i);
            JsonNode b = actual.get(i);
            if (!a.get("entity_group").equals(b.get("entity_group")) || !a.get("word").equals(b.get("word"))
                    || Math.abs(a.get("score").asDouble() - b.get("score").asDouble()) > 1e-5) {
                return false;
            }
        }
        return true;
    }

    @Test
    void sentenceTransformersFilesChoosePoolingAndNormalization() throws IOException {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        Files.writeString(dir.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
                """);
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), """
                {"word_embedding_dimension": 32, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false,
                 "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}
                """);
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 16, \"do_lower_case\": false}");
        Pipeline p = deployWritten(Task.FEATURE_EXTRACTION);
        JsonNode vector = p.run(TextNode.valueOf("hello world"), null);
        assertEquals(1.0, norm(vector), 1e-5);
        JsonNode cls = p.run(TextNode.valueOf("hello world"), params("{\"pooling\": \"none\"}")).get(0);
        double clsNorm = norm(cls);
        for (int i = 0; i < vector.size(); i++) {
            assertEquals(cls.get(i).asDouble() / clsNorm, vector.get(i).asDouble(), 1e-5);
        }
        // sentence_bert_config.json's max_seq_length (16) bounds the tokens
        assertEquals(16, p.run(TextNode.valueOf(words(100)), params("{\"pooling\": \"none\"}")).size());
    }

    @Test
    void aTokenizerJsonWithStoredFixedPaddingAndTruncationDoesNotWin() throws IOException {
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(dir);
        ObjectNode tokenizer = (ObjectNode) Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
        tokenizer.putObject("truncation").put("direction", "Right").put("max_length", 5).put("strategy", "LongestFirst")
                .put("stride", 0);
        ObjectNode padding = tokenizer.putObject("padding");
        padding.putObject("strategy").put("Fixed", 64);
        padding.put("direction", "Right").putNull("pad_to_multiple_of");
        padding.put("pad_id", 0).put("pad_type_id", 0).put("pad_token", "[PAD]");
        Files.writeString(dir.resolve("tokenizer.json"), Json.MAPPER.writeValueAsString(tokenizer));
        Pipeline p = deployWritten(Task.FEATURE_EXTRACTION);
        String text = "hello world deploy model fast slow good bad";
        assertEquals(10, p.run(TextNode.valueOf(text), params("{\"pooling\": \"none\"}")).size(),
                "all 8 words and the 2 special tokens, neither cut at 5 nor padded to 64");
        assertEquals(TinyCheckpoints.MAX_TOKENS, p.run(TextNode.valueOf(words(600)), params("{\"pooling\": \"none\"}")).size());
        assertEquals(2, p.run(TextNode.valueOf(""), params("{\"pooling\": \"none\"}")).size(), "[CLS] [SEP]");
    }

    @Test
    void sentenceSimilarityGivesOneCosinePerSentence() {
        Pipeline p = deploy(TinyCheckpoints.builder(Family.BERT, Head.BASE).pipelineTag("sentence-similarity"),
                Task.SENTENCE_SIMILARITY);
        ObjectNode input = Json.object().put("source_sentence", "i love this movie");
        input.putArray("sentences").add("i love this movie").add("the weather in paris").add("hello");
        JsonNode scores = p.run(input, null);
        assertEquals(3, scores.size());
        assertEquals(1.0, scores.get(0).asDouble(), 1e-5);
        scores.forEach(s -> assertTrue(s.asDouble() >= -1 - 1e-6 && s.asDouble() <= 1 + 1e-6));
        assertInvalid(() -> p.run(Json.object().put("source_sentence", "hello"), null), "source_sentence");
        // a plain text gives its embedding (what /v1/embeddings serves from such a deployment)
        assertEquals(TinyCheckpoints.HIDDEN, p.run(TextNode.valueOf("hello"), null).size());
    }

    @Test
    void anyHeadServesEmbeddingsAndTheTaskMustFitTheHead() {
        Pipeline p = deploy(Family.DISTILBERT, Head.SEQUENCE_CLASSIFICATION, Task.FEATURE_EXTRACTION);
        assertEquals(TinyCheckpoints.HIDDEN, p.run(TextNode.valueOf("hello"), null).size());
        LoadedModel model = (LoadedModel) open.getFirst();
        ModelportException e = assertThrows(ModelportException.class, () -> factory.create(model, dir, Task.FILL_MASK));
        assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
    }

    private static void assertVectorsClose(JsonNode expected, JsonNode actual, double tolerance) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).asDouble(), actual.get(i).asDouble(), tolerance, "component " + i);
        }
    }

    private static double norm(JsonNode vector) {
        double sum = 0;
        for (JsonNode v : vector) {
            sum += v.asDouble() * v.asDouble();
        }
        return Math.sqrt(sum);
    }
}
