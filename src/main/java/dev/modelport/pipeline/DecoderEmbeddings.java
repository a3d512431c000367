package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.runtime.QuantizationError;

import java.util.Optional;

/**
 * A causal language model seen as an encoder for the embedding pipelines (feature-extraction,
 * sentence-similarity): its last hidden state, of right-padded rows each run from position 0, as
 * transformers' base model gives it (Qwen3-Embedding pools its last token). Only the hidden states
 * are served; the model stays owned, and closed, by whoever loaded it.
 */
record DecoderEmbeddings(DecoderModel decoder) implements EncoderModel {

    @Override
    public FloatTensor forward(EncoderBatch batch) {
        return decoder.hiddenStates(batch);
    }

    @Override
    public FloatTensor forwardAt(EncoderBatch batch, int[] positions) {
        throw new ModelportException(ErrorCode.UNSUPPORTED_TASK, decoder.spec().architecture()
                + " serves embeddings from its hidden states only");
    }

    @Override
    public FloatTensor hiddenStates(EncoderBatch batch) {
        return decoder.hiddenStates(batch);
    }

    @Override
    public Optional<QuantizationError> measureQuantization(EncoderBatch batch) {
        return decoder.measureHiddenQuantization(batch);
    }

    @Override
    public Optional<QuantizationError> quantizationError() {
        return decoder.quantizationError();
    }

    @Override
    public ModelSpec spec() {
        return decoder.spec();
    }

    @Override
    public String device() {
        return decoder.device();
    }

    @Override
    public String dtype() {
        return decoder.dtype();
    }

    @Override
    public String dtypeReason() {
        return decoder.dtypeReason();
    }

    @Override
    public long memoryBytes() {
        return decoder.memoryBytes();
    }

    @Override
    public void close() {
        // the loaded model is closed by whoever loaded it
    }
}
