package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.runtime.DjlModelRuntime;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.ModelFacts;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tokenization through real tokenizer.json files (WordPiece and byte-level BPE) written by the test fixtures. */
class TextEncoderTest {
    @TempDir
    Path dir;

    private SnapshotFiles wordPiece(int modelMaxLength) {
        TinyTokenizer.writeWordPiece(dir, modelMaxLength);
        ObjectNode config = Json.object().put("model_type", "bert").put("max_position_embeddings", 512)
                .put("type_vocab_size", 2).put("pad_token_id", 0);
        return SnapshotFiles.read(dir, config);
    }

    private static String words(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(TinyTokenizer.WORDS.get(i % TinyTokenizer.WORDS.size())).append(' ');
        }
        return text.toString().trim();
    }

    @Test
    void aFixedPaddingAndTruncationStoredInTokenizerJsonDoNotWin() throws IOException {
        SnapshotFiles files = wordPiece(128);
        ObjectNode tokenizer = (ObjectNode) Json.MAPPER.readTree(files.tokenizerFile().toFile());
        tokenizer.putObject("truncation").put("direction", "Right").put("max_length", 5).put("strategy", "LongestFirst")
                .put("stride", 0);
        ObjectNode padding = tokenizer.putObject("padding");
        padding.putObject("strategy").put("Fixed", 64);
        padding.put("direction", "Right").putNull("pad_to_multiple_of");
        padding.put("pad_id", 0).put("pad_type_id", 0).put("pad_token", "[PAD]");
        Files.writeString(files.tokenizerFile(), Json.MAPPER.writeValueAsString(tokenizer));

        try (TextEncoder encoder = TextEncoder.forTexts(files, TokenLimits.maxLength(files, facts(512)), new StageTimer())) {
            List<Encoded> rows = encoder.encode(List.of("hello world deploy model fast slow", "hello"));
            assertEquals(8, rows.get(0).length());
            assertEquals(3, rows.get(1).length());
            // padding happens per batch, to its longest row
            EncoderBatch batch = Batches.pad(rows, 0, true);
            assertEquals(8, batch.sequenceLength());
            assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0}, batch.attentionMask()[1]);
        }
    }

    @Test
    void theRealMiniLmTokenizerKeepsNeitherItsStored128NorItsFixedPadding() throws IOException {
        // all-MiniLM-L6-v2's tokenizer.json stores truncation at 128 and fixed padding to 128
        try (var in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
        }
        JsonNode stored = Json.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals(128, stored.path("truncation").path("max_length").asInt());
        assertEquals(128, stored.path("padding").path("strategy").path("Fixed").asInt());
        // the repo's real limits: model_max_length 512, 512 positions, sentence-transformers' 256
        write(dir.resolve("tokenizer_config.json"), Json.object().put("model_max_length", 512).put("do_lower_case", true));
        write(dir.resolve("sentence_bert_config.json"), Json.object().put("max_seq_length", 256).put("do_lower_case", false));
        SnapshotFiles files = SnapshotFiles.read(dir, Json.object().put("model_type", "bert")
                .put("max_position_embeddings", 512).put("type_vocab_size", 2));
        assertEquals(256, TokenLimits.maxLength(files, facts(512)));
        try (TextEncoder encoder = TextEncoder.forTexts(files, TokenLimits.maxLength(files, facts(512)), new StageTimer())) {
            List<Encoded> rows = encoder.encode(List.of("Hello, wörld!", words(300)));
            assertEquals(List.of("[CLS]", "hello", ",", "world", "!", "[SEP]"), List.of(rows.get(0).tokens()));
            assertEquals("wörld", "Hello, wörld!".substring(rows.get(0).starts()[3], rows.get(0).ends()[3]));
            assertEquals(256, rows.get(1).length());
        }
    }

    @Test
    void longInputsAreCutToTheModelsLimit() {
        SnapshotFiles files = wordPiece(128);
        try (TextEncoder encoder = TextEncoder.forTexts(files, TokenLimits.maxLength(files, facts(512)), new StageTimer())) {
            Encoded row = encoder.encode(List.of(words(600))).getFirst();
            assertEquals(128, row.length());
            assertEquals("[SEP]", row.tokens()[127]);
        }
    }

    @Test
    void offsetsAreCodePointsAsPythonCountsThem() {
        SnapshotFiles files = wordPiece(128);
        String text = "😀 Hello wörld, café";
        CodePointText chars = new CodePointText(text);
        try (TextEncoder encoder = TextEncoder.forTexts(files, 128, new StageTimer())) {
            Encoded row = encoder.encode(List.of(text)).getFirst();
            List<String> slices = new ArrayList<>();
            for (int t = 0; t < row.length(); t++) {
                if (row.hasSpan(t)) {
                    slices.add(chars.slice(row.starts()[t], row.ends()[t]));
                }
            }
            assertEquals("😀", slices.get(0));
            assertEquals("Hello", slices.get(1));
            assertTrue(slices.contains(","), slices.toString());
            assertEquals(-1, row.starts()[0], "[CLS] has no characters");
            // the emoji is one character, as in Python: "Hello" starts at 2, not at Java's 3
            assertEquals(0, row.starts()[1]);
            assertEquals(1, row.ends()[1]);
            assertEquals(2, row.starts()[2]);
            assertEquals(7, row.ends()[2]);
        }
    }

    @Test
    void aLongContextBecomesOverlappingChunksOfContextTokens() {
        SnapshotFiles files = wordPiece(128);
        String context = words(300);
        try (TextEncoder pairs = TextEncoder.forQuestionContext(files, 64, 16, new StageTimer())) {
            List<Encoded> chunks = pairs.encodePair("what is the capital", context);
            assertTrue(chunks.size() > 3, "chunks: " + chunks.size());
            int[] previousContextStarts = null;
            for (Encoded chunk : chunks) {
                assertTrue(chunk.length() <= 64);
                assertEquals("[CLS]", chunk.tokens()[0]);
                List<Integer> starts = new ArrayList<>();
                for (int t = 0; t < chunk.length(); t++) {
                    if (chunk.sequenceIds()[t] == 1) {
                        starts.add(chunk.starts()[t]);
                        assertEquals(context.substring(chunk.starts()[t], chunk.ends()[t]).toLowerCase(),
                                chunk.tokens()[t].replace("##", ""));
                    }
                }
                int[] contextStarts = starts.stream().mapToInt(Integer::intValue).toArray();
                if (previousContextStarts != null) {
                    // the next chunk starts 16 tokens before the previous one ended
                    assertEquals(previousContextStarts[previousContextStarts.length - 16], contextStarts[0]);
                }
                previousContextStarts = contextStarts;
            }
            assertEquals(3, pairs.pairSpecialTokenCount());
        }
    }

    @Test
    void batchesPadWithTheConfiguredIdAndSendSegmentsOnlyToMultiSegmentModels() {
        // whether a model takes segment ids is the family's reading of config.json (ModelFacts)
        Path robertaDir = createDirectories(dir.resolve("roberta"));
        TinyCheckpoints.builder(Family.ROBERTA, Head.BASE).write(robertaDir);
        SnapshotFiles roberta = SnapshotFiles.read(robertaDir, readConfig(robertaDir));
        long pad = Vocabulary.of(roberta).padTokenId();
        try (TextEncoder encoder = TextEncoder.forTexts(roberta, 128, new StageTimer())) {
            EncoderBatch batch = PipelineContext.batch(encoder.encode(List.of("hello world", "hello")), pad, facts(robertaDir));
            assertNull(batch.tokenTypeIds());
            assertEquals(pad, batch.inputIds()[1][batch.sequenceLength() - 1]);
        }
        Path bertDir = createDirectories(dir.resolve("bert"));
        TinyCheckpoints.builder(Family.BERT, Head.BASE).write(bertDir);
        SnapshotFiles bert = SnapshotFiles.read(bertDir, readConfig(bertDir));
        try (TextEncoder pairs = TextEncoder.forQuestionContext(bert, 64, 16, new StageTimer())) {
            EncoderBatch batch = PipelineContext.batch(pairs.encodePair("who", "john smith"), 0, facts(bertDir));
            assertArrayEquals(new long[] {0, 0, 0, 1, 1, 1}, batch.tokenTypeIds()[0]);
        }
    }

    private static ModelFacts facts(Path repo) {
        return new DjlModelRuntime(1).inspect(repo.resolve("config.json")).facts();
    }

    private static JsonNode readConfig(Path repo) {
        try {
            return Json.MAPPER.readTree(repo.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path createDirectories(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void limitsTakeTheSmallestRealBound() throws IOException {
        TinyTokenizer.writeByteLevelBpe(dir, 512);
        ObjectNode roberta = Json.object().put("model_type", "roberta").put("max_position_embeddings", 130)
                .put("pad_token_id", 1);
        // the model's own bound comes from the runtime (RoBERTa's 130 positions less pad + 1)
        assertEquals(128, TokenLimits.maxLength(SnapshotFiles.read(dir, roberta), facts(128)));

        ObjectNode tokenizerConfig = (ObjectNode) Json.MAPPER.readTree(dir.resolve("tokenizer_config.json").toFile());
        tokenizerConfig.put("model_max_length", 1e30);
        write(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        ObjectNode bert = Json.object().put("model_type", "bert").put("max_position_embeddings", 512);
        assertEquals(512, TokenLimits.maxLength(SnapshotFiles.read(dir, bert), facts(512)));

        write(dir.resolve("sentence_bert_config.json"), Json.object().put("max_seq_length", 256).put("do_lower_case", false));
        assertEquals(256, TokenLimits.maxLength(SnapshotFiles.read(dir, bert), facts(512)));
    }

    @Test
    void specialTokensComeFromTheTokenizerFiles() {
        TinyTokenizer.Vocabulary bpe = TinyTokenizer.writeByteLevelBpe(dir, 128);
        Vocabulary vocabulary = Vocabulary.of(SnapshotFiles.read(dir, Json.object().put("pad_token_id", 1)));
        // RoBERTa's tokenizer_config.json stores the mask token as an AddedToken object
        assertEquals("<mask>", vocabulary.maskToken());
        assertEquals(bpe.mask(), vocabulary.id("<mask>").orElseThrow());
        assertEquals(bpe.cls(), vocabulary.clsTokenId().orElseThrow());
        assertEquals(1, vocabulary.padTokenId());
        assertNull(vocabulary.continuingSubwordPrefix());
    }

    private static void write(Path file, JsonNode node) {
        try {
            Files.writeString(file, Json.MAPPER.writeValueAsString(node));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static ModelFacts facts(int maxTokens) {
        return new ModelFacts(30522, maxTokens, 2, true);
    }
}
