package dev.modelport.runtime.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.decoder.DecoderNetwork;
import dev.modelport.runtime.decoder.KvCache;
import dev.modelport.runtime.nn.Embedding;
import dev.modelport.runtime.nn.Encoder;
import dev.modelport.runtime.nn.Inputs;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Weights;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT2LMHeadModel: token + learned position embeddings, pre-norm blocks, {@code ln_f}, and the
 * language-model head tied to {@code wte} (a stored {@code lm_head.weight} is the same tensor).
 * Checkpoints keep the body under {@code transformer.} or, as a bare GPT2Model save, at the root.
 */
public final class Gpt2Model implements DecoderNetwork {

    private final Gpt2Config c;
    private final Embedding wte;
    private final Embedding wpe;
    private final List<Gpt2Block> blocks;
    private final LayerNorm lnF;

    private Gpt2Model(Gpt2Config c, Embedding wte, Embedding wpe, List<Gpt2Block> blocks, LayerNorm lnF) {
        this.c = c;
        this.wte = wte;
        this.wpe = wpe;
        this.blocks = blocks;
        this.lnF = lnF;
    }

    public static Gpt2Model load(Weights root, JsonNode json) {
        Gpt2Config c = Gpt2Config.from(json);
        Weights base = root.hasPrefix("transformer") ? root.at("transformer") : root;
        Embedding wte = Embedding.load(base.at("wte"), c.vocabSize(), c.hidden());
        Embedding wpe = Embedding.load(base.at("wpe"), c.positions(), c.hidden());
        List<Gpt2Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            blocks.add(Gpt2Block.load(base.at("h." + i), i, c));
        }
        return new Gpt2Model(c, wte, wpe, List.copyOf(blocks), LayerNorm.load(base.at("ln_f"), c.hidden(), c.eps()));
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
        return c.positions();
    }

    @Override
    public NDArray hidden(NDManager work, long[] ids, KvCache cache) {
        int past = cache == null ? 0 : cache.length();
        long[] positions = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            positions[i] = past + i;
        }
        return run(work, new long[][] {ids}, new long[][] {positions}, cache == null ? null : new KvCache[] {cache});
    }

    @Override
    public NDArray hiddenStep(NDManager work, long[] tokens, KvCache[] caches) {
        long[][] ids = new long[tokens.length][1];
        long[][] positions = new long[tokens.length][1];
        for (int i = 0; i < tokens.length; i++) {
            ids[i][0] = tokens[i];
            positions[i][0] = caches[i].length();
        }
        return run(work, ids, positions, caches);
    }

    private NDArray run(NDManager work, long[][] ids, long[][] positions, KvCache[] caches) {
        int t = ids[0].length;
        for (long[] row : positions) {
            if (row[t - 1] >= c.positions()) {
                throw new ModelportException(ErrorCode.INPUT_TOO_LARGE,
                        "the sequence would have " + (row[t - 1] + 1) + " tokens; the model accepts " + c.positions());
            }
        }
        NDArray x = wte.forward(Inputs.ids(work, ids, c.vocabSize(), "token id"))
                .addi(wpe.forward(Inputs.ids(work, positions, c.positions(), "position")));
        NDArray h = Encoder.run(work, x, blocks, (block, in) -> block.forward(in.getManager(), in, caches));
        if (caches != null) {
            for (KvCache cache : caches) {
                cache.advance(t);
            }
        }
        return lnF.forward(h);
    }

    @Override
    public NDArray lmHead(NDArray hidden) {
        return hidden.matMul(wte.table().transpose());
    }
}
