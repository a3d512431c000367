package dev.modelport.pipeline;

import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.ModelFacts;

import java.util.List;

/**
 * What every encoder pipeline shares: the loaded model, the snapshot's files, its vocabulary and
 * tokenizer, and how rows become a padded batch and a forward pass.
 */
record PipelineContext(EncoderModel model, SnapshotFiles files, Vocabulary vocabulary, TextEncoder encoder) {

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
        return model.forward(batch(rows));
    }

    /**
     * The head's output at one position per row ({@code positions[b]} of row b): only those rows
     * go through the head (a masked LM's [B,T,V] output is large, and only the mask rows are needed).
     */
    float[][] forwardAt(List<Encoded> rows, int[] positions) {
        FloatTensor out = model.forwardAt(batch(rows), positions);
        float[][] picked = new float[rows.size()][];
        for (int b = 0; b < rows.size(); b++) {
            picked[b] = out.row(b);
        }
        return picked;
    }

    /** The last hidden state [B,T,H] for the rows, whatever the head. */
    FloatTensor hiddenStates(List<Encoded> rows) {
        return model.hiddenStates(batch(rows));
    }
}
