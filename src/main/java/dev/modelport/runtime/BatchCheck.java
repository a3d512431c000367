package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/** Checks a batch's arrays agree in shape before they reach the engine, which fails less clearly. */
final class BatchCheck {

    private BatchCheck() {
    }

    /** @return the batch, with an all-ones attention mask where none was given */
    static EncoderBatch check(EncoderBatch batch) {
        if (batch == null || batch.inputIds() == null || batch.batchSize() == 0 || batch.sequenceLength() == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "the batch is empty");
        }
        int b = batch.batchSize();
        int t = batch.sequenceLength();
        long[][] mask = batch.attentionMask();
        if (mask == null) {
            mask = new long[b][t];
            for (long[] row : mask) {
                java.util.Arrays.fill(row, 1);
            }
        }
        sameShape(batch.inputIds(), b, t, "input_ids");
        sameShape(mask, b, t, "attention_mask");
        if (batch.tokenTypeIds() != null) {
            sameShape(batch.tokenTypeIds(), b, t, "token_type_ids");
        }
        return mask == batch.attentionMask() ? batch : new EncoderBatch(batch.inputIds(), mask, batch.tokenTypeIds());
    }

    private static void sameShape(long[][] rows, int b, int t, String name) {
        if (rows.length != b) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, name + " has " + rows.length + " rows, expected " + b);
        }
        for (long[] row : rows) {
            if (row == null || row.length != t) {
                throw new ModelportException(ErrorCode.INVALID_INPUT, name + " rows must all have " + t + " entries");
            }
        }
    }
}
