package dev.modelport.pipeline;

import dev.modelport.runtime.EncoderBatch;

import java.util.Arrays;
import java.util.List;

/** Pads tokenized rows to the batch's longest row (right padding, as transformers pads encoders). */
final class Batches {
    private Batches() {
    }

    /**
     * @param padId written into padded positions (RoBERTa derives position ids from it)
     * @param withTokenTypes false for models without segment embeddings (DistilBERT)
     */
    static EncoderBatch pad(List<Encoded> rows, long padId, boolean withTokenTypes) {
        int length = rows.stream().mapToInt(Encoded::length).max().orElse(0);
        long[][] ids = new long[rows.size()][length];
        long[][] mask = new long[rows.size()][length];
        long[][] types = withTokenTypes ? new long[rows.size()][length] : null;
        for (int r = 0; r < rows.size(); r++) {
            Encoded row = rows.get(r);
            Arrays.fill(ids[r], padId);
            System.arraycopy(row.ids(), 0, ids[r], 0, row.length());
            Arrays.fill(mask[r], 0, row.length(), 1L);
            if (types != null) {
                System.arraycopy(row.typeIds(), 0, types[r], 0, row.length());
            }
        }
        return new EncoderBatch(ids, mask, types);
    }
}
