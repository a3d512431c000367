package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.OptionalLong;

/**
 * Token strings and ids as tokenizer.json defines them (model vocabulary plus added tokens), and the
 * special tokens named by tokenizer_config.json / special_tokens_map.json.
 */
final class Vocabulary {
    private final Map<String, Long> ids;
    private final String continuingSubwordPrefix;
    private final SnapshotFiles files;

    private Vocabulary(Map<String, Long> ids, String continuingSubwordPrefix, SnapshotFiles files) {
        this.ids = ids;
        this.continuingSubwordPrefix = continuingSubwordPrefix;
        this.files = files;
    }

    static Vocabulary of(SnapshotFiles files) {
        JsonNode model = files.tokenizerJson().path("model");
        Map<String, Long> ids = new HashMap<>();
        JsonNode vocab = model.path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), e.getValue().asLong());
            }
        } else if (vocab.isArray()) {
            // Unigram: [[piece, score], ...], the id is the position
            for (int i = 0; i < vocab.size(); i++) {
                ids.putIfAbsent(vocab.get(i).path(0).asText(), (long) i);
            }
        }
        for (JsonNode added : files.tokenizerJson().path("added_tokens")) {
            ids.put(added.path("content").asText(), added.path("id").asLong());
        }
        JsonNode prefix = model.path("continuing_subword_prefix");
        String continuing = prefix.isTextual() && !prefix.asText().isEmpty() ? prefix.asText() : null;
        return new Vocabulary(Map.copyOf(ids), continuing, files);
    }

    OptionalLong id(String token) {
        Long id = token == null ? null : ids.get(token);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /**
     * The prefix WordPiece (and some BPE) models put on word-continuing pieces, e.g. {@code ##}; null
     * when the tokenizer marks no word boundaries this way (byte-level BPE, SentencePiece).
     */
    String continuingSubwordPrefix() {
        return continuingSubwordPrefix;
    }

    /** The special token called {@code name} ({@code mask_token}, {@code cls_token}...), or the first default the vocabulary holds. */
    String specialToken(String name, List<String> defaults) {
        String configured = Json.tokenText(files.tokenizerConfig().path(name));
        if (configured == null) {
            configured = Json.tokenText(files.specialTokensMap().path(name));
        }
        if (configured != null) {
            return configured;
        }
        return defaults.stream().filter(ids::containsKey).findFirst().orElse(null);
    }

    OptionalLong specialTokenId(String name, List<String> defaults) {
        return id(specialToken(name, defaults));
    }

    String maskToken() {
        return specialToken("mask_token", List.of("[MASK]", "<mask>"));
    }

    OptionalLong clsTokenId() {
        return specialTokenId("cls_token", List.of("[CLS]", "<s>"));
    }

    OptionalLong unkTokenId() {
        String unk = files.tokenizerJson().path("model").path("unk_token").asText(null);
        if (unk != null && ids.containsKey(unk)) {
            return id(unk);
        }
        return specialTokenId("unk_token", List.of("[UNK]", "<unk>"));
    }

    /** The id used to pad rows: config.json's pad_token_id (RoBERTa's positions depend on it), else the pad token's. */
    long padTokenId() {
        JsonNode configured = files.config().path("pad_token_id");
        if (configured.isIntegralNumber()) {
            return configured.asLong();
        }
        return specialTokenId("pad_token", List.of("[PAD]", "<pad>")).orElse(0);
    }
}
