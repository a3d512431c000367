package dev.modelport.pipeline;

import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.ModelFacts;

import java.util.List;

/**
 * What every encoder pipeline shares: the loaded model, the snapshot's files, its vocabulary and
 * tokenizer, how rows become a padded batch and a forward pass, and the timer of its stages (the
 * tokenizer's calls and the forward passes are timed here, for every task).
 */
record PipelineContext(EncoderModel model, SnapshotFiles files, Vocabulary vocabulary, TextEncoder encoder, StageTimer timer) {

    EncoderBatch batch(List<Encoded> rows) {
        return batch(rows, vocabulary.padTokenId(), model.spec().facts());
    }

    /**
     * Rows padded into a batch. Segment ids go only to models with several segments (BERT), as
     * transformers' tokenizers send them; RoBERTa's single segment is all zeros and DistilBERT has none.
     */
    static EncoderBatch batch(List<Encoded> rows, long padTokenId, ModelFacts facts) {
        return Batches.pad(rows, padTokenId, facts.usesTokenTypes());
    }

    /** The head's output for the rows. */
    FloatTensor forward(List<Encoded> rows) {
        EncoderBatch batch = batch(rows);
        return timer.forward(tokens(rows), () -> model.forward(batch));
    }

    /**
     * The head's output at one position per row ({@code positions[b]} of row b): only those rows
     * go through the head (a masked LM's [B,T,V] output is large, and only the mask rows are needed).
     */
    float[][] forwardAt(List<Encoded> rows, int[] positions) {
        EncoderBatch batch = batch(rows);
        FloatTensor out = timer.forward(tokens(rows), () -> model.forwardAt(batch, positions));
        float[][] picked = new float[rows.size()][];
        for (int b = 0; b < rows.size(); b++) {
            picked[b] = out.row(b);
        }
        return picked;
    }

    /** The last hidden state [B,T,H] for the rows, whatever the head. */
    FloatTensor hiddenStates(List<Encoded> rows) {
        EncoderBatch batch = batch(rows);
        return timer.forward(tokens(rows), () -> model.hiddenStates(batch));
    }

    /** Lets the serving layer time this pipeline's stages. */
    void listen(StageListener listener) {
        timer.listen(listener);
    }

    /** The rows' real tokens, padding left out. */
    private static long tokens(List<Encoded> rows) {
        return rows.stream().mapToLong(Encoded::length).sum();
    }
}
