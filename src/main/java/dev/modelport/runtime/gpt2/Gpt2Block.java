package dev.modelport.runtime.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.runtime.decoder.CausalAttention;
import dev.modelport.runtime.decoder.KvCache;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.Weights;

/**
 * GPT2Block (pre-norm): {@code x + attn(ln_1(x))}, then {@code x + mlp(ln_2(x))}. GPT-2's Conv1D
 * stores weights {@code [in, out]}; they are used through a transposed view as torch.nn.Linear's
 * {@code [out, in]}. The {@code attn.bias} / {@code attn.masked_bias} buffers of old checkpoints are
 * the causal mask, which is built per call, so they are never read.
 */
record Gpt2Block(int index, LayerNorm ln1, Linear cAttn, Linear attnProj, LayerNorm ln2, Linear cFc, Linear mlpProj,
        Gpt2Config c) {

    static Gpt2Block load(Weights w, int index, Gpt2Config c) {
        long h = c.hidden();
        return new Gpt2Block(index, LayerNorm.load(w.at("ln_1"), h, c.eps()), conv1d(w.at("attn.c_attn"), h, 3 * h),
                conv1d(w.at("attn.c_proj"), h, h), LayerNorm.load(w.at("ln_2"), h, c.eps()),
                conv1d(w.at("mlp.c_fc"), h, c.inner()), conv1d(w.at("mlp.c_proj"), c.inner(), h), c);
    }

    private static Linear conv1d(Weights w, long in, long out) {
        return new Linear(w.get("weight", in, out).transpose(), w.get("bias", out));
    }

    NDArray forward(NDManager work, NDArray x, KvCache[] caches) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long heads = c.heads();
        long d = c.hidden() / heads;
        // [B,T,3H] -> [3,B,heads,T,d]
        NDArray qkv = cAttn.forward(ln1.forward(x)).reshape(b, t, 3, heads, d).transpose(2, 0, 3, 1, 4);
        double scale = 1.0 / Math.sqrt(d) / (c.scaleByLayer() ? index + 1 : 1);
        NDArray q = qkv.get(0).mul(scale);
        NDArray context = CausalAttention.attend(work, q, qkv.get(1), qkv.get(2), caches, index);
        NDArray h = attnProj.forward(context).addi(x);
        NDArray ff = mlpProj.forward(c.act().apply(cFc.forward(ln2.forward(h))));
        return ff.addi(h);
    }
}
