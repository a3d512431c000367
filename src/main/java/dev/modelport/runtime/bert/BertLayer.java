package dev.modelport.runtime.bert;

import ai.djl.ndarray.NDArray;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.MultiHeadAttention;
import dev.modelport.runtime.nn.Weights;

/** BertLayer: self-attention with its output LayerNorm, then the feed-forward with its LayerNorm (post-norm). */
record BertLayer(MultiHeadAttention attention, Linear attentionOutput, LayerNorm attentionNorm, Linear intermediate,
        Activation act, Linear output, LayerNorm outputNorm) {

    static BertLayer load(Weights w, BertConfig c) {
        long h = c.hidden();
        Weights self = w.at("attention.self");
        return new BertLayer(MultiHeadAttention.load(self.at("query"), self.at("key"), self.at("value"), c.hidden(), c.heads()),
                Linear.load(w.at("attention.output.dense"), h, h),
                LayerNorm.load(w.at("attention.output.LayerNorm"), h, c.layerNormEps()),
                Linear.load(w.at("intermediate.dense"), h, c.intermediate()), c.act(),
                Linear.load(w.at("output.dense"), c.intermediate(), h),
                LayerNorm.load(w.at("output.LayerNorm"), h, c.layerNormEps()));
    }

    NDArray forward(NDArray x, NDArray mask) {
        NDArray context = attention.forward(x, mask);
        NDArray attended = attentionNorm.forward(attentionOutput.forward(context).addi(x));
        NDArray ff = output.forward(act.apply(intermediate.forward(attended)));
        return outputNorm.forward(ff.addi(attended));
    }
}
