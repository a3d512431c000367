package dev.modelport.runtime;

/**
 * A padded batch of token ids for an encoder. All rows have the same length.
 *
 * @param tokenTypeIds segment ids, or null where the model has none
 */
public record EncoderBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
    public int batchSize() {
        return inputIds.length;
    }

    public int sequenceLength() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }
}
