package dev.modelport.runtime;

import java.util.List;
import java.util.Set;

/**
 * Where a decoder's tensors are stored. A {@code *ForCausalLM} save keeps the base model under
 * {@code model.} and its head in {@code lm_head.weight} (or ties it to the word embeddings); a base
 * model's save ({@code Qwen3Model}, {@code Gemma2Model}: embedding models such as Qwen3-Embedding)
 * keeps the same tensors at the top level and has no head: such a checkpoint serves embeddings only.
 * The program always asks for the {@code model.} names; the plan maps them to the stored ones.
 */
public final class DecoderLayout {

    private final TensorPlan.Builder plan;
    private final String stored;

    private DecoderLayout(TensorPlan.Builder plan, String stored) {
        this.plan = plan;
        this.stored = stored;
    }

    /** The layout of the checkpoint whose tensor names are {@code names}. */
    public static DecoderLayout of(TensorPlan.Builder plan, Set<String> names) {
        boolean bare = !names.contains("model.embed_tokens.weight") && names.contains("embed_tokens.weight");
        return new DecoderLayout(plan, bare ? "" : "model.");
    }

    /** Whether the base model is stored without the {@code model.} prefix. */
    public boolean bare() {
        return stored.isEmpty();
    }

    /** A base-model tensor, {@code key} relative to {@code model.}. */
    public DecoderLayout expect(String key, long... shape) {
        plan.expectStored("model." + key, List.of(stored + key), shape);
        return this;
    }

    /** A base-model linear layer, {@code module} relative to {@code model.}. */
    public DecoderLayout linear(String module, long out, long in, boolean bias) {
        expect(module + ".weight", out, in);
        if (bias) {
            expect(module + ".bias", out);
        }
        return this;
    }

    /**
     * The LM head, and the prefixes the plan owns. Tied: the word embeddings (a stored copy is
     * tolerated). Else {@code lm_head.weight}, required of a {@code *ForCausalLM} save; a base
     * model's save may lack it (the program then computes hidden states only).
     */
    public void head(boolean tied, Set<String> names, long vocab, long hidden) {
        if (bare()) {
            plan.owns("embed_tokens").owns("layers").owns("norm");
        } else {
            plan.owns("model");
        }
        plan.owns("lm_head");
        if (tied) {
            plan.tolerate("lm_head.weight");
        } else if (!bare() || names.contains("lm_head.weight")) {
            plan.expect("lm_head.weight", vocab, hidden);
        }
    }
}
