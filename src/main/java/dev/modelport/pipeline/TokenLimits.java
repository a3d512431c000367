package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/**
 * The longest input the model really accepts, in tokens: the smallest of the tokenizer's
 * {@code model_max_length}, the position table's size less its offset, and sentence-transformers'
 * {@code max_seq_length}. A truncation stored in tokenizer.json is deliberately not consulted: it
 * is a training-time setting (all-MiniLM-L6-v2 stores 128 with fixed padding) that must not win.
 */
final class TokenLimits {
    /** transformers writes int(1e30) (VERY_LARGE_INTEGER) when a tokenizer has no limit. */
    private static final long ABSURD = 1_000_000L;
    private static final int FALLBACK = 512;
    /** Families whose position ids start after the padding index (padding_idx + 1). */
    private static final Set<String> OFFSET_POSITIONS = Set.of("roberta", "xlm-roberta", "camembert");

    private TokenLimits() {
    }

    static int maxLength(SnapshotFiles files) {
        long limit = Long.MAX_VALUE;
        JsonNode modelMax = files.tokenizerConfig().path("model_max_length");
        if (modelMax.isNumber() && modelMax.asDouble() > 0 && modelMax.asDouble() < ABSURD) {
            limit = Math.min(limit, modelMax.asLong());
        }
        JsonNode positions = files.config().path("max_position_embeddings");
        if (positions.isNumber() && positions.asLong() > 0) {
            limit = Math.min(limit, positions.asLong() - positionOffset(files.config()));
        }
        JsonNode seqLength = files.sentenceBertConfig().path("max_seq_length");
        if (seqLength.isNumber() && seqLength.asLong() > 0) {
            limit = Math.min(limit, seqLength.asLong());
        }
        return limit == Long.MAX_VALUE ? FALLBACK : (int) limit;
    }

    private static long positionOffset(JsonNode config) {
        if (!OFFSET_POSITIONS.contains(config.path("model_type").asText(""))) {
            return 0;
        }
        return config.path("pad_token_id").asLong(1) + 1;
    }
}
