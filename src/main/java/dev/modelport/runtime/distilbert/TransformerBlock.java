package dev.modelport.runtime.distilbert;

import ai.djl.ndarray.NDArray;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.MultiHeadAttention;
import dev.modelport.runtime.nn.Weights;

/** DistilBERT's TransformerBlock: attention (q_lin, k_lin, v_lin, out_lin) + sa_layer_norm, ffn + output_layer_norm. */
record TransformerBlock(MultiHeadAttention attention, Linear outLin, LayerNorm saLayerNorm, Linear lin1, Activation act,
        Linear lin2, LayerNorm outputLayerNorm) {

    static TransformerBlock load(Weights w, DistilBertConfig c) {
        long d = c.dim();
        Weights a = w.at("attention");
        double eps = DistilBertConfig.LAYER_NORM_EPS;
        return new TransformerBlock(MultiHeadAttention.load(a.at("q_lin"), a.at("k_lin"), a.at("v_lin"), c.dim(), c.heads()),
                Linear.load(a.at("out_lin"), d, d), LayerNorm.load(w.at("sa_layer_norm"), d, eps),
                Linear.load(w.at("ffn.lin1"), d, c.hiddenDim()), c.act(), Linear.load(w.at("ffn.lin2"), c.hiddenDim(), d),
                LayerNorm.load(w.at("output_layer_norm"), d, eps));
    }

    NDArray forward(NDArray x, NDArray mask) {
        NDArray context = attention.forward(x, mask);
        NDArray sa = saLayerNorm.forward(outLin.forward(context).addi(x));
        NDArray ffn = lin2.forward(act.apply(lin1.forward(sa)));
        return outputLayerNorm.forward(ffn.addi(sa));
    }
}
