package dev.modelport.runtime;

import dev.modelport.runtime.script.ScriptHandle;

/**
 * A batch of encoder inputs as an encoder-decoder's program holds them (each row's cross-attention
 * keys and values, at the compute dtype); Java holds only the handle. Closing it drops Java's
 * reference: the decoder sequences made from it keep their rows alive until they are closed.
 */
public final class EncodedInputs implements AutoCloseable {

    private final ScriptHandle handle;
    private final Seq2SeqModel owner;
    private final int[] lengths;

    EncodedInputs(ScriptHandle handle, Seq2SeqModel owner, int[] lengths) {
        this.handle = handle;
        this.owner = owner;
        this.lengths = lengths;
    }

    ScriptHandle handle() {
        return handle;
    }

    Seq2SeqModel owner() {
        return owner;
    }

    /** How many inputs. */
    public int rows() {
        return lengths.length;
    }

    /** The tokens of input {@code row}. */
    public int length(int row) {
        return lengths[row];
    }

    @Override
    public void close() {
        handle.close();
    }
}
