package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.Arrays;

/**
 * Checks inputs before they reach a program, which would fail less clearly: a batch's arrays agree
 * in shape, token ids are in the vocabulary, sequences fit the model, segment ids exist (and are
 * dropped for a model that has no segment embeddings).
 */
final class InputCheck {

    private InputCheck() {
    }

    /** @return the batch, with an all-ones attention mask where none was given and zero segments where none were */
    static EncoderBatch check(EncoderBatch batch, ModelFacts facts) {
        if (batch == null || batch.inputIds() == null || batch.batchSize() == 0 || batch.sequenceLength() == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "the batch is empty");
        }
        int b = batch.batchSize();
        int t = batch.sequenceLength();
        long[][] mask = batch.attentionMask();
        if (mask == null) {
            mask = new long[b][t];
            for (long[] row : mask) {
                Arrays.fill(row, 1);
            }
        }
        sameShape(batch.inputIds(), b, t, "input_ids");
        sameShape(mask, b, t, "attention_mask");
        long[][] types = batch.tokenTypeIds();
        if (types != null && facts.typeVocabSize() == 0) {
            // a model without segment embeddings (DeBERTa-v3) ignores the ids its tokenizer gives, as transformers does
            types = null;
        }
        if (types != null) {
            sameShape(types, b, t, "token_type_ids");
            for (long[] row : types) {
                for (long type : row) {
                    if (type < 0 || type >= Math.max(1, facts.typeVocabSize())) {
                        throw new ModelportException(ErrorCode.INVALID_INPUT, "segment id " + type
                                + " is out of range; the model has " + Math.max(1, facts.typeVocabSize()) + " segment(s)");
                    }
                }
            }
        } else {
            types = new long[b][t];
        }
        length(t, facts);
        for (long[] row : batch.inputIds()) {
            ids(row, facts);
        }
        return new EncoderBatch(batch.inputIds(), mask, types);
    }

    static void ids(long[] ids, ModelFacts facts) {
        for (long id : ids) {
            if (id < 0 || id >= facts.vocabSize()) {
                throw new ModelportException(ErrorCode.INVALID_INPUT,
                        "token id " + id + " is out of range; the vocabulary has " + facts.vocabSize() + " tokens");
            }
        }
    }

    static void length(int tokens, ModelFacts facts) {
        if (tokens > facts.maxTokens()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "the input has " + tokens
                    + " tokens; this model takes at most " + facts.maxTokens() + "; truncate it");
        }
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
