package dev.modelport.runtime;

import dev.modelport.runtime.script.ScriptHandle;

/**
 * One decoder sequence of an encoder-decoder: its self-attention KV cache and the cross-attention
 * keys and values of its input, inside the program at the compute dtype. Java holds the handle and
 * the length it has appended, to check the decoder's context before the program would. Closing it
 * frees the cache.
 */
public final class Seq2SeqCache implements AutoCloseable {

    private final ScriptHandle handle;
    private final Seq2SeqModel owner;
    private int length;

    Seq2SeqCache(ScriptHandle handle, Seq2SeqModel owner) {
        this.handle = handle;
        this.owner = owner;
    }

    ScriptHandle handle() {
        return handle;
    }

    Seq2SeqModel owner() {
        return owner;
    }

    /** Decoder tokens held. */
    public synchronized int length() {
        return length;
    }

    synchronized void setLength(int tokens) {
        length = tokens;
    }

    synchronized void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        handle.close();
    }
}
