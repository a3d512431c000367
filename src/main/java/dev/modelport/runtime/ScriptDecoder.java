package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.precision.DtypePolicy;
import dev.modelport.runtime.script.ScriptArg;
import dev.modelport.runtime.script.ScriptHandle;
import dev.modelport.runtime.script.ScriptProgram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A causal language model run by its program (programs/program.py Program, its causal LM calls): a prefill or
 * a batched decode step is one call; each generation's KV cache stays inside the program.
 */
final class ScriptDecoder extends ScriptModel implements DecoderModel {

    private volatile Boolean hasLmHead;

    ScriptDecoder(ScriptProgram program, ModelSpec spec, String device, DtypePolicy.Choice dtype, long memoryBytes) {
        super(program, spec, device, dtype, memoryBytes);
    }

    @Override
    public int vocabSize() {
        return spec().facts().vocabSize();
    }

    @Override
    public int contextLength() {
        return spec().facts().maxTokens();
    }

    @Override
    public DecoderCache newCache() {
        return new DecoderCache(program.handle("new_cache"), this);
    }

    @Override
    public float[] nextLogits(DecoderCache cache, long[] ids) {
        mine(cache);
        if (ids == null || ids.length == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "the input has no tokens");
        }
        InputCheck.ids(ids, spec().facts());
        fits(cache.length() + ids.length);
        float[] logits = program.floats("prefill", ScriptArg.of(cache.handle()), ScriptArg.ids(ids)).data();
        cache.advance(ids.length);
        return logits;
    }

    @Override
    public float[][] nextLogitsRows(DecoderCache[] caches, long[] tokens) {
        if (caches.length != tokens.length || tokens.length == 0) {
            throw new IllegalArgumentException("one token per cache");
        }
        List<ScriptHandle> handles = new ArrayList<>(caches.length);
        for (DecoderCache cache : caches) {
            mine(cache);
            fits(cache.length() + 1);
            handles.add(cache.handle());
        }
        InputCheck.ids(tokens, spec().facts());
        FloatTensor out = program.floats("step", new ScriptArg.Handles(handles), ScriptArg.ids(tokens));
        int v = out.dim(1);
        float[][] rows = new float[tokens.length][];
        for (int b = 0; b < tokens.length; b++) {
            rows[b] = Arrays.copyOfRange(out.data(), b * v, (b + 1) * v);
            caches[b].advance(1);
        }
        return rows;
    }

    @Override
    public FloatTensor logits(long[] ids) {
        if (ids == null || ids.length == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "the input has no tokens");
        }
        InputCheck.ids(ids, spec().facts());
        fits(ids.length);
        return program.floats("logits", ScriptArg.ids(ids));
    }

    @Override
    public boolean hasLmHead() {
        Boolean known = hasLmHead;
        if (known == null) {
            known = program.number("decoder_generates") != 0;
            hasLmHead = known;
        }
        return known;
    }

    @Override
    public FloatTensor hiddenStates(EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        fits(checked.sequenceLength());
        // causal attention keeps padding after a row's tokens out of them, not padding before
        for (long[] row : checked.attentionMask()) {
            for (int t = 1; t < row.length; t++) {
                if (row[t] != 0 && row[t - 1] == 0) {
                    throw new ModelportException(ErrorCode.INVALID_INPUT,
                            "a causal language model's rows must be right-padded (attention mask ones, then zeros)");
                }
            }
        }
        return program.floats("decoder_hidden_states", ScriptArg.ids(checked.inputIds()));
    }

    @Override
    public java.util.Optional<QuantizationError> measureHiddenQuantization(EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        return compareWithFloat32(() -> hiddenStates(checked), out -> ScriptEncoder.realTokens(out, checked));
    }

    @Override
    public java.util.Optional<QuantizationError> measureQuantization(long[] prompt) {
        return compareWithFloat32(() -> logits(prompt), out -> null);
    }

    private void mine(DecoderCache cache) {
        if (cache == null || cache.owner() != this) {
            throw new IllegalArgumentException("the cache belongs to another model");
        }
    }

    private void fits(int tokens) {
        if (tokens > contextLength()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "the sequence would have " + tokens
                    + " tokens; this model's context is " + contextLength() + " tokens, including the generated ones");
        }
    }
}
