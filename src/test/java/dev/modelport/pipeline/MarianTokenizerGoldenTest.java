package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code marian-spm} golden (scripts/goldens/cases_seq2seq.py): a repo laid out as
 * Helsinki-NLP/opus-mt-* (source.spm, target.spm, vocab.json, no tokenizer.json) saved by
 * transformers' MarianTokenizer around a Unigram SentencePiece model trained by the sentencepiece
 * library. For every input (accents, punctuation, digits, characters that need NFKC, whitespace runs,
 * tabs and newlines, control and zero-width characters, language codes at the start and elsewhere,
 * characters the spm does not know, special tokens in the text, the empty text) and 150 seeded random
 * texts the tokens and ids equal MarianTokenizer's, and decoding the ids gives its text; the generate() goldens' sequences
 * decode to what transformers decodes them to. Also what is refused, and why.
 */
class MarianTokenizerGoldenTest {

    private static Path dir() {
        return TokenizerGoldenTest.goldens().resolve("marian-spm");
    }

    private static JsonNode golden() {
        return Json.readOptional(dir().resolve("golden.json"));
    }

    private static SnapshotFiles files(Path dir) {
        return SnapshotFiles.read(dir, Json.readOptional(dir.resolve("config.json")));
    }

    @Test
    void tokensAndIdsEqualMarianTokenizers() {
        SnapshotFiles files = files(dir());
        assertNull(files.tokenizerFile(), "no tokenizer.json is written for a MarianTokenizer repo");
        MarianTokenizer tokenizer = files.marian();
        List<JsonNode> cases = new ArrayList<>();
        golden().path("tokenizer").forEach(cases::add);
        assertTrue(cases.size() >= 15, "tokenizer goldens");
        golden().path("tokenizer_random").forEach(cases::add);
        assertTrue(cases.size() >= 150, "random tokenizer goldens");
        List<String> failures = new ArrayList<>();
        try (TextEncoder encoder = TextEncoder.forTexts(files, 1024, new StageTimer())) {
            for (JsonNode c : cases) {
                String text = c.path("text").asText();
                List<String> wantTokens = new ArrayList<>();
                c.path("tokens").forEach(t -> wantTokens.add(t.asText()));
                long[] wantIds = longs(c.path("input_ids"));
                List<String> tokens = tokenizer.tokenize(text);
                long[] ids = encoder.encode(List.of(text)).getFirst().ids();
                String decoded = encoder.decode(ids, true);
                if ((c.has("tokens") && !tokens.equals(wantTokens)) || !Arrays.equals(ids, wantIds)
                        || !decoded.equals(c.path("decoded").asText())) {
                    failures.add(String.format("%s%n  tokens %s%n  want   %s%n  ids %s%n  want %s%n  decoded '%s' want '%s'",
                            Json.MAPPER.valueToTree(text), tokens, wantTokens, Arrays.toString(ids),
                            Arrays.toString(wantIds), decoded, c.path("decoded").asText()));
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void truncationKeepsTheEndOfSequenceToken() {
        SnapshotFiles files = files(dir());
        JsonNode first = golden().path("tokenizer").get(0);
        long[] want = longs(first.path("input_ids"));
        try (TextEncoder encoder = TextEncoder.forTexts(files, 5, new StageTimer())) {
            long[] ids = encoder.encode(List.of(first.path("text").asText())).getFirst().ids();
            long[] expected = Arrays.copyOf(Arrays.copyOf(want, 4), 5);
            expected[4] = want[want.length - 1];
            assertArrayEquals(expected, ids, "truncated to 4 pieces and </s>, as transformers truncates");
        }
    }

    @Test
    void generatedSequencesDecodeAsTransformersDecodesThem() {
        SnapshotFiles files = files(dir());
        int checked = 0;
        try (TextEncoder encoder = TextEncoder.forTexts(files, 64, new StageTimer())) {
            for (JsonNode entry : golden().path("generate")) {
                JsonNode texts = entry.path("texts");
                for (int i = 0; i < entry.path("sequences").size(); i++) {
                    // sequences start with the decoder start (<pad>) and end with </s>; language codes
                    // and the piece the spm lacks decode as they are
                    assertEquals(texts.get(i).asText(), encoder.decode(longs(entry.path("sequences").get(i)), true),
                            "decode of " + entry.path("sequences").get(i));
                    checked++;
                }
            }
        }
        assertTrue(checked >= 5, "decoded sequences");
    }

    @Test
    void separateVocabulariesAreRefused(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path repo = copy(tmp);
        Files.writeString(repo.resolve("target_vocab.json"), "{\"</s>\": 0, \"<unk>\": 1, \"<pad>\": 2}");
        ModelportException e = assertThrows(ModelportException.class, () -> files(repo));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_FILES, e.code());
        assertTrue(e.getMessage().contains("separate"), e.getMessage());
    }

    @Test
    void aBrokenSpmOrAVocabWithoutTheSpecialTokensIsRefused(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path repo = copy(tmp);
        Files.write(repo.resolve("source.spm"), new byte[] {1, 2, 3});
        ModelportException e = assertThrows(ModelportException.class, () -> files(repo));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_FILES, e.code());
        assertTrue(e.getMessage().contains("source.spm"), e.getMessage());

        Path other = copy(tmp.resolve("b"));
        Files.writeString(other.resolve("vocab.json"), "{\"<unk>\": 0, \"a\": 1}");
        e = assertThrows(ModelportException.class, () -> files(other));
        assertEquals(ErrorCode.UNSUPPORTED_MODEL_FILES, e.code());
        assertTrue(e.getMessage().contains("</s>"), e.getMessage());
    }

    private static Path copy(Path to) throws IOException {
        Files.createDirectories(to);
        try (var paths = Files.list(dir())) {
            for (Path p : paths.toList()) {
                if (!p.getFileName().toString().startsWith("golden.")) {
                    Files.copy(p, to.resolve(p.getFileName().toString()));
                }
            }
        }
        return to;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
