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
 * An encoder-decoder run by its program (programs/program.py Program, its seq2seq calls): encoding a
 * batch, a decoder prefill, a batched decode step and a beam reorder are one call each; the encoded
 * inputs and every sequence's caches stay inside the program.
 */
final class ScriptSeq2Seq extends ScriptModel implements Seq2SeqModel {

    ScriptSeq2Seq(ScriptProgram program, ModelSpec spec, String device, DtypePolicy.Choice dtype, long memoryBytes) {
        super(program, spec, device, dtype, memoryBytes);
    }

    @Override
    public int vocabSize() {
        return spec().facts().vocabSize();
    }

    @Override
    public int decoderContext() {
        return spec().program().intValue("context_length");
    }

    @Override
    public EncodedInputs encode(EncoderBatch batch) {
        EncoderBatch checked = rightPadded(batch);
        ScriptHandle handle = program.handle("seq2seq_encode", ScriptArg.ids(checked.inputIds()),
                ScriptArg.ids(checked.attentionMask()));
        int[] lengths = new int[checked.batchSize()];
        for (int b = 0; b < lengths.length; b++) {
            for (long m : checked.attentionMask()[b]) {
                lengths[b] += (int) m;
            }
        }
        return new EncodedInputs(handle, this, lengths);
    }

    @Override
    public FloatTensor encoderHiddenStates(EncoderBatch batch) {
        EncoderBatch checked = rightPadded(batch);
        return program.floats("seq2seq_encoder_hidden", ScriptArg.ids(checked.inputIds()),
                ScriptArg.ids(checked.attentionMask()));
    }

    /** Checked like an encoder's batch; every row right-padded and holding at least one token. */
    private EncoderBatch rightPadded(EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        for (long[] row : checked.attentionMask()) {
            if (row[0] == 0) {
                throw new ModelportException(ErrorCode.INVALID_INPUT, "an encoder input has no tokens");
            }
            for (int t = 1; t < row.length; t++) {
                if (row[t] != 0 && row[t - 1] == 0) {
                    throw new ModelportException(ErrorCode.INVALID_INPUT,
                            "an encoder-decoder's inputs must be right-padded (attention mask ones, then zeros)");
                }
            }
        }
        return checked;
    }

    @Override
    public Seq2SeqCache newCache(EncodedInputs encoded, int row) {
        if (encoded == null || encoded.owner() != this) {
            throw new IllegalArgumentException("the encoded inputs belong to another model");
        }
        if (row < 0 || row >= encoded.rows()) {
            throw new IllegalArgumentException("row " + row + " of " + encoded.rows());
        }
        return new Seq2SeqCache(program.handle("seq2seq_new_cache", ScriptArg.of(encoded.handle()), ScriptArg.of(row)), this);
    }

    @Override
    public FloatTensor decode(Seq2SeqCache cache, long[] ids) {
        mine(cache);
        if (ids == null || ids.length == 0) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "no decoder tokens");
        }
        InputCheck.ids(ids, spec().facts());
        fits(cache.length() + ids.length);
        FloatTensor logits = program.floats("seq2seq_prefill", ScriptArg.of(cache.handle()), ScriptArg.ids(ids));
        cache.advance(ids.length);
        return logits;
    }

    @Override
    public float[][] step(Seq2SeqCache[] caches, long[] tokens) {
        if (caches.length != tokens.length || tokens.length == 0) {
            throw new IllegalArgumentException("one token per cache");
        }
        List<ScriptHandle> handles = new ArrayList<>(caches.length);
        for (Seq2SeqCache cache : caches) {
            mine(cache);
            fits(cache.length() + 1);
            handles.add(cache.handle());
        }
        InputCheck.ids(tokens, spec().facts());
        FloatTensor out = program.floats("seq2seq_step", new ScriptArg.Handles(handles), ScriptArg.ids(tokens));
        int v = out.dim(1);
        float[][] rows = new float[tokens.length][];
        for (int b = 0; b < tokens.length; b++) {
            rows[b] = Arrays.copyOfRange(out.data(), b * v, (b + 1) * v);
            caches[b].advance(1);
        }
        return rows;
    }

    @Override
    public void reorder(Seq2SeqCache[] caches, int[] parents) {
        if (caches.length != parents.length || caches.length == 0) {
            throw new IllegalArgumentException("one parent per cache");
        }
        List<ScriptHandle> handles = new ArrayList<>(caches.length);
        long[] order = new long[parents.length];
        int[] lengths = new int[caches.length];
        for (int i = 0; i < caches.length; i++) {
            mine(caches[i]);
            handles.add(caches[i].handle());
            if (parents[i] < 0 || parents[i] >= caches.length) {
                throw new IllegalArgumentException("parent " + parents[i] + " of " + caches.length);
            }
            order[i] = parents[i];
            lengths[i] = caches[i].length();
        }
        program.number("seq2seq_reorder", new ScriptArg.Handles(handles), ScriptArg.ids(order));
        for (int i = 0; i < caches.length; i++) {
            caches[i].setLength(lengths[parents[i]]);
        }
    }

    @Override
    public java.util.Optional<QuantizationError> measureQuantization(EncoderBatch batch, long[] decoderIds) {
        EncoderBatch first = new EncoderBatch(new long[][] {batch.inputIds()[0]},
                batch.attentionMask() == null ? null : new long[][] {batch.attentionMask()[0]}, null);
        return compareWithFloat32(() -> {
            try (EncodedInputs encoded = encode(first); Seq2SeqCache cache = newCache(encoded, 0)) {
                return decode(cache, decoderIds);
            }
        }, out -> null);
    }

    private void mine(Seq2SeqCache cache) {
        if (cache == null || cache.owner() != this) {
            throw new IllegalArgumentException("the cache belongs to another model");
        }
    }

    private void fits(int tokens) {
        if (tokens > decoderContext()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "the decoder sequence would have " + tokens
                    + " tokens; this model's decoder takes at most " + decoderContext());
        }
    }
}
