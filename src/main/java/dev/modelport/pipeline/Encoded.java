package dev.modelport.pipeline;

/**
 * One tokenized (unpadded) row. Character offsets are code-point indices, as the tokenizer and
 * Python count them (slice with {@link CodePointText}), into the text the token came from (the
 * context for a question-answering pair); -1 where a token has no characters (special tokens).
 *
 * @param sequenceIds 0 for the first text, 1 for the pair's second, -1 for special tokens
 * @param wordIds the pre-tokenizer's word index, -1 for special tokens
 */
record Encoded(long[] ids, long[] typeIds, long[] specialTokensMask, long[] wordIds, long[] sequenceIds,
               String[] tokens, int[] starts, int[] ends) {

    int length() {
        return ids.length;
    }

    boolean isSpecial(int i) {
        return specialTokensMask[i] != 0;
    }

    boolean hasSpan(int i) {
        return starts[i] >= 0;
    }
}
