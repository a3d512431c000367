package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizers of the golden cases that carry {@code tokenizer_checks} (transformers' own ids and
 * offsets for single texts and pairs, whitespace runs, tabs and the empty text included), through the
 * pipelines' {@link TextEncoder}: the MPNet WordPiece, the ModernBERT byte-level BPE, and the
 * DeBERTa-v3 SentencePiece model converted from {@code spm.model} alone ({@link SentencePieceConversion}).
 * The conversion itself is also compared with the tokenizer.json transformers 5 saved from the same
 * spm.model.
 */
class TokenizerGoldenTest {

    static Path goldens() {
        String override = System.getProperty("modelport.goldens");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        URL url = TokenizerGoldenTest.class.getClassLoader().getResource("goldens");
        try {
            return url != null ? Path.of(url.toURI()) : Path.of("src/test/resources/goldens");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> casesWithChecks() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(goldens())) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.isRegularFile(dir.resolve("golden.json")) && read(dir.resolve("golden.json")).has("tokenizer_checks")) {
                    out.add(dir);
                }
            }
        }
        assertFalse(out.isEmpty(), "golden cases with tokenizer_checks");
        return out.stream();
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("casesWithChecks")
    void idsAndOffsetsEqualTransformers(Path dir) {
        JsonNode golden = read(dir.resolve("golden.json"));
        SnapshotFiles files = SnapshotFiles.read(dir, read(dir.resolve("config.json")));
        try (TextEncoder encoder = TextEncoder.forTexts(files, 512, new StageTimer())) {
            for (JsonNode check : golden.path("tokenizer_checks")) {
                String text = check.path("text").asText();
                Encoded row = check.has("text_pair")
                        ? encoder.encodePairs(List.of(text), List.of(check.path("text_pair").asText())).getFirst()
                        : encoder.encode(List.of(text)).getFirst();
                String what = dir.getFileName() + " " + check.path("text") + (check.has("text_pair") ? " / "
                        + check.path("text_pair") : "");
                assertEquals(check.path("input_ids").toString(), Json.MAPPER.valueToTree(row.ids()).toString(), what);
                JsonNode types = check.path("token_type_ids");
                if (types.isArray()) {
                    assertEquals(types.toString(), Json.MAPPER.valueToTree(row.typeIds()).toString(), what + " token types");
                }
                for (int i = 0; i < row.length(); i++) {
                    if (row.isSpecial(i)) {
                        continue;
                    }
                    JsonNode span = check.path("offsets").get(i);
                    assertEquals(span.get(0).asInt() + "-" + span.get(1).asInt(), row.starts()[i] + "-" + row.ends()[i],
                            what + " offsets of token " + i);
                }
            }
        }
    }

    @Test
    void spmModelConvertsToTheTokenizerJsonTransformersBuilds() {
        Path dir = goldens().resolve("deberta-v2-seqcls");
        JsonNode saved = read(dir.resolve("tokenizer.json"));
        ObjectNode converted = SentencePieceConversion.convert(dir, read(dir.resolve("config.json")),
                read(dir.resolve("tokenizer_config.json")), read(dir.resolve("special_tokens_map.json"))).orElseThrow();
        for (String part : List.of("normalizer", "pre_tokenizer", "post_processor", "decoder", "added_tokens")) {
            assertEquals(saved.path(part), converted.path(part), part);
        }
        assertEquals(saved.path("model").path("type"), converted.path("model").path("type"));
        assertEquals(saved.path("model").path("unk_id"), converted.path("model").path("unk_id"));
        assertEquals(saved.path("model").path("byte_fallback"), converted.path("model").path("byte_fallback"));
        JsonNode want = saved.path("model").path("vocab");
        JsonNode got = converted.path("model").path("vocab");
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).get(0).asText(), got.get(i).get(0).asText(), "piece " + i);
            assertEquals(want.get(i).get(1).asDouble(), got.get(i).get(1).asDouble(), "score of piece " + i);
        }
    }

    @Test
    void aRepoWithSpmModelOnlyGetsAConvertedTokenizer() {
        Path dir = goldens().resolve("deberta-v2-base");
        assertFalse(Files.exists(dir.resolve("tokenizer.json")));
        SnapshotFiles files = SnapshotFiles.read(dir, read(dir.resolve("config.json")));
        assertTrue(Files.isRegularFile(files.tokenizerFile()));
        assertEquals("Unigram", files.tokenizerJson().path("model").path("type").asText());
        Vocabulary vocabulary = Vocabulary.of(files);
        assertEquals("[MASK]", vocabulary.maskToken());
        assertEquals(read(dir.resolve("added_tokens.json")).path("[MASK]").asLong(), vocabulary.id("[MASK]").orElseThrow());
        assertEquals(0L, vocabulary.padTokenId());
        // the same content converts to the same file: redeploying reuses it
        assertEquals(files.tokenizerFile(), SnapshotFiles.read(dir, read(dir.resolve("config.json"))).tokenizerFile());
    }
}
