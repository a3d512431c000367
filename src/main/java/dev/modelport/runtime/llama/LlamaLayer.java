package dev.modelport.runtime.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.decoder.CausalAttention;
import dev.modelport.runtime.decoder.KvCache;
import dev.modelport.runtime.decoder.RmsNorm;
import dev.modelport.runtime.decoder.RotaryEmbedding;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.Weights;

/** LlamaDecoderLayer: {@code x + o_proj(attn(rope(q), rope(k), v))} on input_layernorm, then the SwiGLU MLP on post_attention_layernorm. */
record LlamaLayer(int index, RmsNorm inputNorm, Linear q, Linear k, Linear v, Linear o, RmsNorm postNorm, Linear gate,
        Linear up, Linear down, LlamaConfig c) {

    static LlamaLayer load(Weights w, int index, LlamaConfig c) {
        long h = c.hidden();
        long qOut = (long) c.heads() * c.headDim();
        long kvOut = (long) c.kvHeads() * c.headDim();
        Weights a = w.at("self_attn");
        Weights mlp = w.at("mlp");
        return new LlamaLayer(index, RmsNorm.load(w.at("input_layernorm"), h, c.eps()),
                proj(a.at("q_proj"), h, qOut, c.qkvBias()), proj(a.at("k_proj"), h, kvOut, c.qkvBias()),
                proj(a.at("v_proj"), h, kvOut, c.qkvBias()), proj(a.at("o_proj"), qOut, h, false),
                RmsNorm.load(w.at("post_attention_layernorm"), h, c.eps()), proj(mlp.at("gate_proj"), h, c.intermediate(), false),
                proj(mlp.at("up_proj"), h, c.intermediate(), false), proj(mlp.at("down_proj"), c.intermediate(), h, false), c);
    }

    private static Linear proj(Weights w, long in, long out, boolean bias) {
        return bias ? Linear.load(w, in, out) : new Linear(w.get("weight", out, in), null);
    }

    NDArray forward(NDManager work, NDArray x, NDArray cos, NDArray sin, KvCache[] caches) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        NDArray n = inputNorm.forward(x);
        NDArray qs = RotaryEmbedding.apply(heads(q.forward(n), b, t, c.heads()), cos, sin).muli(1.0 / Math.sqrt(c.headDim()));
        NDArray ks = RotaryEmbedding.apply(heads(k.forward(n), b, t, c.kvHeads()), cos, sin);
        NDArray vs = heads(v.forward(n), b, t, c.kvHeads());
        NDArray h = o.forward(CausalAttention.attend(work, qs, ks, vs, caches, index)).addi(x);
        NDArray m = postNorm.forward(h);
        NDArray g = gate.forward(m);
        // silu(g) = g * sigmoid(g)
        NDArray act = g.mul(g.getNDArrayInternal().sigmoid()).muli(up.forward(m));
        return down.forward(act).addi(h);
    }

    private NDArray heads(NDArray x, long b, long t, int count) {
        return x.reshape(b, t, count, c.headDim()).transpose(0, 2, 1, 3);
    }
}
