package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON files of a snapshot that shape tokenization and post-processing. Files that a repo may
 * lack are missing nodes, so callers ask {@code path(...)} without null checks.
 *
 * @param config config.json (as the runtime read it)
 * @param tokenizerJson tokenizer.json, parsed, for the vocabulary and the tokenizer model's kind
 * @param tokenizerConfig tokenizer_config.json
 * @param specialTokensMap special_tokens_map.json
 * @param sentenceBertConfig sentence_bert_config.json (sentence-transformers' max_seq_length)
 * @param modules modules.json (sentence-transformers' module list)
 */
record SnapshotFiles(Path dir, JsonNode config, JsonNode tokenizerJson, JsonNode tokenizerConfig,
                     JsonNode specialTokensMap, JsonNode sentenceBertConfig, JsonNode modules) {

    static SnapshotFiles read(Path dir, JsonNode config) {
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "The repo has no tokenizer.json; Modelport needs a fast-tokenizer file to tokenize text");
        }
        return new SnapshotFiles(dir, config, Json.readOptional(tokenizer),
                Json.readOptional(dir.resolve("tokenizer_config.json")),
                Json.readOptional(dir.resolve("special_tokens_map.json")),
                Json.readOptional(dir.resolve("sentence_bert_config.json")),
                Json.readOptional(dir.resolve("modules.json")));
    }

    Path tokenizerFile() {
        return dir.resolve("tokenizer.json");
    }
}
