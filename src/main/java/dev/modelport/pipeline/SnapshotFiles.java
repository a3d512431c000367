package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The JSON files of a snapshot that shape tokenization and post-processing. Files that a repo may
 * lack are missing nodes, so callers ask {@code path(...)} without null checks.
 *
 * @param config config.json (as the runtime read it)
 * @param tokenizerJson tokenizer.json, parsed, for the vocabulary and the tokenizer model's kind; for a
 *     repo that ships a SentencePiece model instead, the tokenizer.json transformers would build from it
 *     ({@link SentencePieceConversion})
 * @param tokenizerConfig tokenizer_config.json
 * @param specialTokensMap special_tokens_map.json
 * @param sentenceBertConfig sentence_bert_config.json (sentence-transformers' max_seq_length)
 * @param modules modules.json (sentence-transformers' module list)
 * @param tokenizerFile the tokenizer.json to load: the snapshot's, or the converted one written to a temp folder;
 *     null for a MarianTokenizer repo
 * @param marian for a repo with MarianTokenizer's files (source.spm, target.spm, vocab.json) and no
 *     tokenizer.json, the tokenizer ported from transformers (then {@code tokenizerJson} is only its
 *     {@link MarianTokenizer#describe() summary}); null otherwise
 */
record SnapshotFiles(Path dir, JsonNode config, JsonNode tokenizerJson, JsonNode tokenizerConfig,
                     JsonNode specialTokensMap, JsonNode sentenceBertConfig, JsonNode modules, Path tokenizerFile,
                     MarianTokenizer marian) {

    static SnapshotFiles read(Path dir, JsonNode config) {
        Path tokenizer = dir.resolve("tokenizer.json");
        JsonNode tokenizerConfig = Json.readOptional(dir.resolve("tokenizer_config.json"));
        JsonNode specialTokensMap = Json.readOptional(dir.resolve("special_tokens_map.json"));
        JsonNode tokenizerJson;
        Path tokenizerFile = tokenizer;
        MarianTokenizer marian = null;
        if (Files.isRegularFile(tokenizer)) {
            tokenizerJson = Json.readOptional(tokenizer);
        } else if (MarianTokenizer.present(dir)) {
            marian = MarianTokenizer.read(dir, tokenizerConfig, specialTokensMap);
            tokenizerJson = marian.describe();
            tokenizerFile = null;
        } else {
            Optional<ObjectNode> converted = SentencePieceConversion.convert(dir, config, tokenizerConfig, specialTokensMap);
            if (converted.isEmpty()) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "The repo has no tokenizer.json (nor a "
                        + SentencePieceConversion.SPM_FILE + " Modelport converts, nor MarianTokenizer's "
                        + MarianTokenizer.SOURCE_SPM + " and " + MarianTokenizer.VOCAB + "); Modelport needs a"
                        + " fast-tokenizer file to tokenize text");
            }
            tokenizerJson = converted.get();
            tokenizerFile = SentencePieceConversion.materialize(converted.get());
        }
        return new SnapshotFiles(dir, config, tokenizerJson, tokenizerConfig, specialTokensMap,
                Json.readOptional(dir.resolve("sentence_bert_config.json")),
                Json.readOptional(dir.resolve("modules.json")), tokenizerFile, marian);
    }
}
