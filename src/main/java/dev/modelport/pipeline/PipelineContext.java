package dev.modelport.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.LoadedModel;

import java.util.List;
import java.util.function.BiFunction;

/**
 * What every pipeline shares: the loaded model, the snapshot's files, its vocabulary and tokenizer,
 * and how rows become a padded batch and a forward pass.
 */
record PipelineContext(LoadedModel model, SnapshotFiles files, Vocabulary vocabulary, TextEncoder encoder) {

    EncoderBatch batch(List<Encoded> rows) {
        // segment ids go only to models with several segments (BERT), as transformers' tokenizers
        // send them; RoBERTa's single segment is all zeros and DistilBERT has none
        boolean withTokenTypes = files.config().path("type_vocab_size").asInt(0) > 1;
        return Batches.pad(rows, vocabulary.padTokenId(), withTokenTypes);
    }

    /** The head's output for the rows, as floats. */
    FloatTensor forward(List<Encoded> rows) {
        return run(rows, model::forward);
    }

    /**
     * The head's output at one position per row ({@code positions[b]} of row b), copied off the
     * device alone: a masked LM's [B,T,V] output is large, and only the mask rows are needed.
     */
    float[][] forwardAt(List<Encoded> rows, int[] positions) {
        EncoderBatch batch = batch(rows);
        try (NDManager manager = model.newManager()) {
            NDArray out = model.forward(manager, batch);
            float[][] picked = new float[rows.size()][];
            for (int b = 0; b < rows.size(); b++) {
                picked[b] = out.get(manager, b, positions[b]).toFloatArray();
            }
            return picked;
        }
    }

    /** The last hidden state [B,T,H] for the rows, whatever the head. */
    FloatTensor hiddenStates(List<Encoded> rows) {
        return run(rows, model::hiddenStates);
    }

    private FloatTensor run(List<Encoded> rows, BiFunction<NDManager, EncoderBatch, NDArray> call) {
        EncoderBatch batch = batch(rows);
        // every array of the request lives in this manager and is freed with it (DJL leak trap)
        try (NDManager manager = model.newManager()) {
            NDArray out = call.apply(manager, batch);
            return new FloatTensor(out.toFloatArray(), out.getShape().getShape());
        }
    }
}
