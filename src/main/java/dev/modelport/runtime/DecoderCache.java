package dev.modelport.runtime;

import dev.modelport.runtime.script.ScriptHandle;

/**
 * One generation's KV cache. Its tensors live inside the model's program at the compute dtype;
 * Java holds only the handle, and the sequence length it has appended, to check the context limit
 * before the program would. Closing it frees the cache.
 */
public final class DecoderCache implements AutoCloseable {

    private final ScriptHandle handle;
    private final DecoderModel owner;
    private int length;

    DecoderCache(ScriptHandle handle, DecoderModel owner) {
        this.handle = handle;
        this.owner = owner;
    }

    ScriptHandle handle() {
        return handle;
    }

    DecoderModel owner() {
        return owner;
    }

    /** Tokens held. */
    public synchronized int length() {
        return length;
    }

    synchronized void advance(int tokens) {
        length += tokens;
    }

    @Override
    public void close() {
        handle.close();
    }
}
