package dev.modelport.runtime.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.decoder.DecoderNetwork;
import dev.modelport.runtime.decoder.KvCache;
import dev.modelport.runtime.decoder.RmsNorm;
import dev.modelport.runtime.decoder.RotaryEmbedding;
import dev.modelport.runtime.nn.Embedding;
import dev.modelport.runtime.nn.Encoder;
import dev.modelport.runtime.nn.Inputs;
import dev.modelport.runtime.nn.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * LlamaForCausalLM and its relatives Qwen2ForCausalLM and MistralForCausalLM: {@code model.embed_tokens},
 * {@code model.layers.N}, {@code model.norm}, and {@code lm_head} or, with tie_word_embeddings,
 * the embedding table.
 */
public final class LlamaModel implements DecoderNetwork {

    private final LlamaConfig c;
    private final Embedding embed;
    private final List<LlamaLayer> layers;
    private final RmsNorm norm;
    private final NDArray head;
    private final RotaryEmbedding rope;

    private LlamaModel(LlamaConfig c, Embedding embed, List<LlamaLayer> layers, RmsNorm norm, NDArray head,
            RotaryEmbedding rope) {
        this.c = c;
        this.embed = embed;
        this.layers = layers;
        this.norm = norm;
        this.head = head;
        this.rope = rope;
    }

    public static LlamaModel load(Weights root, JsonNode json, boolean qwen2) {
        LlamaConfig c = LlamaConfig.from(json, qwen2);
        Weights model = root.at("model");
        Embedding embed = Embedding.load(model.at("embed_tokens"), c.vocabSize(), c.hidden());
        List<LlamaLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            layers.add(LlamaLayer.load(model.at("layers." + i), i, c));
        }
        RmsNorm norm = RmsNorm.load(model.at("norm"), c.hidden(), c.eps());
        NDArray head = c.tied() ? embed.table() : root.get("lm_head.weight", c.vocabSize(), c.hidden());
        return new LlamaModel(c, embed, List.copyOf(layers), norm, head.transpose(), RotaryEmbedding.of(json, c.headDim()));
    }

    @Override
    public int layers() {
        return c.layers();
    }

    @Override
    public int vocabSize() {
        return c.vocabSize();
    }

    @Override
    public int contextLength() {
        return c.contextLength();
    }

    @Override
    public NDArray hidden(NDManager work, long[] ids, KvCache cache) {
        int past = cache == null ? 0 : cache.length();
        checkLength(past + ids.length);
        NDArray[] cs = rope.cosSin(work, past, ids.length);
        return run(work, new long[][] {ids}, cs, cache == null ? null : new KvCache[] {cache});
    }

    @Override
    public NDArray hiddenStep(NDManager work, long[] tokens, KvCache[] caches) {
        long[][] ids = new long[tokens.length][1];
        int[] positions = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i][0] = tokens[i];
            positions[i] = caches[i].length();
            checkLength(positions[i] + 1);
        }
        return run(work, ids, rope.cosSinRows(work, positions), caches);
    }

    private void checkLength(int length) {
        if (length > c.contextLength()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE,
                    "the sequence would have " + length + " tokens; the model accepts " + c.contextLength());
        }
    }

    private NDArray run(NDManager work, long[][] ids, NDArray[] cs, KvCache[] caches) {
        NDArray x = embed.forward(Inputs.ids(work, ids, c.vocabSize(), "token id"));
        NDArray cos = cs[0].toType(x.getDataType(), false);
        NDArray sin = cs[1].toType(x.getDataType(), false);
        NDArray h = Encoder.run(work, x, layers, (layer, in) -> layer.forward(in.getManager(), in, cos, sin, caches));
        if (caches != null) {
            for (KvCache cache : caches) {
                cache.advance(ids[0].length);
            }
        }
        return norm.forward(h);
    }

    @Override
    public NDArray lmHead(NDArray hidden) {
        return hidden.matMul(head);
    }
}
