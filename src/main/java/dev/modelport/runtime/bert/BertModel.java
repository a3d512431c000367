package dev.modelport.runtime.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.nn.AttentionMask;
import dev.modelport.runtime.nn.Encoder;
import dev.modelport.runtime.nn.Weights;
import java.util.ArrayList;
import java.util.List;

/** BertModel / RobertaModel without its pooler: embeddings and the layer stack. */
record BertModel(BertEmbeddings embeddings, List<BertLayer> layers) {

    static BertModel load(Weights w, BertConfig c) {
        List<BertLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(BertLayer.load(w.at("encoder.layer." + i), c));
        }
        return new BertModel(BertEmbeddings.load(w.at("embeddings"), c), List.copyOf(layers));
    }

    NDArray forward(NDManager manager, EncoderBatch batch) {
        NDArray mask = AttentionMask.additive(manager, batch.attentionMask());
        return Encoder.run(manager, embeddings.forward(manager, batch), layers, (layer, h) -> layer.forward(h, mask));
    }
}
