package dev.modelport.runtime.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.nn.AttentionMask;
import dev.modelport.runtime.nn.Embedding;
import dev.modelport.runtime.nn.Encoder;
import dev.modelport.runtime.nn.Inputs;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Weights;
import java.util.ArrayList;
import java.util.List;

/** DistilBertModel: word + position embeddings, LayerNorm, then the transformer blocks. No segments. */
record DistilBertModel(Embedding words, Embedding positions, LayerNorm embeddingNorm, List<TransformerBlock> layers,
        DistilBertConfig config) {

    static DistilBertModel load(Weights w, DistilBertConfig c) {
        Weights e = w.at("embeddings");
        List<TransformerBlock> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(TransformerBlock.load(w.at("transformer.layer." + i), c));
        }
        return new DistilBertModel(Embedding.load(e.at("word_embeddings"), c.vocabSize(), c.dim()),
                Embedding.load(e.at("position_embeddings"), c.maxPositions(), c.dim()),
                LayerNorm.load(e.at("LayerNorm"), c.dim(), DistilBertConfig.LAYER_NORM_EPS), List.copyOf(layers), c);
    }

    NDArray forward(NDManager manager, EncoderBatch batch) {
        int t = batch.sequenceLength();
        if (t > config.maxPositions()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "the input is longer than the model's "
                    + config.maxPositions() + " positions allow; truncate it");
        }
        long[][] positionIds = new long[batch.batchSize()][t];
        for (long[] row : positionIds) {
            for (int j = 0; j < t; j++) {
                row[j] = j;
            }
        }
        NDArray x = words.forward(Inputs.ids(manager, batch.inputIds(), config.vocabSize(), "token id"));
        x.addi(positions.forward(Inputs.ids(manager, positionIds, config.maxPositions(), "position")));
        NDArray mask = AttentionMask.additive(manager, batch.attentionMask());
        return Encoder.run(manager, embeddingNorm.forward(x), layers, (layer, h) -> layer.forward(h, mask));
    }
}
