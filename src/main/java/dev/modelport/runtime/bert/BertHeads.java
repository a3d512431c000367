package dev.modelport.runtime.bert;

import ai.djl.ndarray.NDArray;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.EncoderNetwork;
import dev.modelport.runtime.nn.EncoderNetwork.HeadBlock;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.Weights;

/** The heads of BERT and RoBERTa checkpoints, named as their keys are. */
final class BertHeads {

    private BertHeads() {
    }

    /** BertForSequenceClassification: {@code classifier(tanh(pooler.dense(h[:,0])))}. */
    static HeadBlock bertSequenceClassification(Weights root, Weights base, BertConfig c) {
        Linear pooler = Linear.load(base.at("pooler.dense"), c.hidden(), c.hidden());
        Linear classifier = Linear.load(root.at("classifier"), c.hidden(), c.numLabels());
        return h -> classifier.forward(pooler.forward(EncoderNetwork.firstToken(h)).tanh());
    }

    /** RobertaClassificationHead: {@code out_proj(tanh(dense(h[:,0])))}. */
    static HeadBlock robertaSequenceClassification(Weights root, BertConfig c) {
        Linear dense = Linear.load(root.at("classifier.dense"), c.hidden(), c.hidden());
        Linear outProj = Linear.load(root.at("classifier.out_proj"), c.hidden(), c.numLabels());
        return h -> outProj.forward(dense.forward(EncoderNetwork.firstToken(h)).tanh());
    }

    /** A Linear on every token: token classification ({@code classifier}) and QA ({@code qa_outputs}, 2 outputs). */
    static HeadBlock perToken(Weights w, BertConfig c, int outputs) {
        Linear linear = Linear.load(w, c.hidden(), outputs);
        return linear::forward;
    }

    /**
     * BertOnlyMLMHead: {@code transform.dense → hidden_act → transform.LayerNorm → decoder + bias}, and
     * RobertaLMHead: {@code dense → gelu → layer_norm → decoder + bias}. The decoder is the word
     * embedding matrix unless the checkpoint stores its own.
     */
    static HeadBlock maskedLm(Weights transform, Weights decoder, String biasKey, Weights root, NDArray wordEmbeddings,
            Activation act, String normKey, BertConfig c) {
        Linear dense = Linear.load(transform.at("dense"), c.hidden(), c.hidden());
        LayerNorm norm = LayerNorm.load(transform.at(normKey), c.hidden(), c.layerNormEps());
        NDArray weight = decoder.has("weight") ? decoder.get("weight", c.vocabSize(), c.hidden()) : wordEmbeddings;
        Linear projection = new Linear(weight, root.get(biasKey, c.vocabSize()));
        return h -> projection.forward(norm.forward(act.apply(dense.forward(h))));
    }
}
