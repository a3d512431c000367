package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelport.runtime.ModelFacts;

/**
 * The longest input the model really accepts, in tokens: the smallest of the tokenizer's
 * {@code model_max_length}, what the model itself takes (its position table less any offset, as
 * the runtime reads it) and sentence-transformers' {@code max_seq_length}. A truncation stored in tokenizer.json is deliberately not consulted: it
 * is a training-time setting (all-MiniLM-L6-v2 stores 128 with fixed padding) that must not win.
 */
final class TokenLimits {
    /** transformers writes int(1e30) (VERY_LARGE_INTEGER) when a tokenizer has no limit. */
    private static final long ABSURD = 1_000_000L;
    private static final int FALLBACK = 512;

    private TokenLimits() {
    }

    static int maxLength(SnapshotFiles files, ModelFacts model) {
        long limit = Long.MAX_VALUE;
        JsonNode modelMax = files.tokenizerConfig().path("model_max_length");
        if (modelMax.isNumber() && modelMax.asDouble() > 0 && modelMax.asDouble() < ABSURD) {
            limit = Math.min(limit, modelMax.asLong());
        }
        if (model.maxTokens() > 0) {
            limit = Math.min(limit, model.maxTokens());
        }
        JsonNode seqLength = files.sentenceBertConfig().path("max_seq_length");
        if (seqLength.isNumber() && seqLength.asLong() > 0) {
            limit = Math.min(limit, seqLength.asLong());
        }
        return limit == Long.MAX_VALUE ? FALLBACK : (int) limit;
    }
}
