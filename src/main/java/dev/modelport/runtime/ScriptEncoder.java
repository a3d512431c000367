package dev.modelport.runtime;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.precision.DtypePolicy;
import dev.modelport.runtime.script.ScriptArg;
import dev.modelport.runtime.script.ScriptProgram;

/** An encoder and its head, one program call per forward pass (programs/program.py Program, its encoder calls). */
final class ScriptEncoder extends ScriptModel implements EncoderModel {

    ScriptEncoder(ScriptProgram program, ModelSpec spec, String device, DtypePolicy.Choice dtype, long memoryBytes) {
        super(program, spec, device, dtype, memoryBytes);
    }

    @Override
    public FloatTensor forward(EncoderBatch batch) {
        return call("forward", batch);
    }

    @Override
    public FloatTensor forwardAt(EncoderBatch batch, int[] positions) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        if (positions.length != checked.batchSize()) {
            throw new ModelportException(ErrorCode.INVALID_INPUT, "one position per row is needed");
        }
        long[] at = new long[positions.length];
        for (int b = 0; b < positions.length; b++) {
            if (positions[b] < 0 || positions[b] >= checked.sequenceLength()) {
                throw new ModelportException(ErrorCode.INVALID_INPUT, "position " + positions[b] + " is outside the row");
            }
            at[b] = positions[b];
        }
        return program.floats("forward_at", ScriptArg.ids(checked.inputIds()), ScriptArg.ids(checked.attentionMask()),
                ScriptArg.ids(checked.tokenTypeIds()), ScriptArg.ids(at));
    }

    @Override
    public FloatTensor hiddenStates(EncoderBatch batch) {
        return call("hidden_states", batch);
    }

    @Override
    public java.util.Optional<QuantizationError> measureQuantization(EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        return compareWithFloat32(() -> forward(checked), out -> realTokens(out, checked));
    }

    /** For a per-token output [B,T,C], the rows of real tokens; null (all rows) for a per-sequence one. */
    static boolean[] realTokens(FloatTensor out, EncoderBatch batch) {
        if (out.shape().length != 3) {
            return null;
        }
        int t = batch.sequenceLength();
        boolean[] keep = new boolean[batch.batchSize() * t];
        for (int b = 0; b < batch.batchSize(); b++) {
            for (int i = 0; i < t; i++) {
                keep[b * t + i] = batch.attentionMask()[b][i] != 0;
            }
        }
        return keep;
    }

    private FloatTensor call(String method, EncoderBatch batch) {
        EncoderBatch checked = InputCheck.check(batch, spec().facts());
        return program.floats(method, ScriptArg.ids(checked.inputIds()), ScriptArg.ids(checked.attentionMask()),
                ScriptArg.ids(checked.tokenTypeIds()));
    }
}
