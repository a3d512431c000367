package dev.modelport.runtime.script;

import ai.djl.pytorch.jni.IValue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An object that lives inside a program (e.g. one generation's KV cache, whose tensors are at the
 * compute dtype): Java holds it only to hand it back to the same program or to free it. Nothing
 * outside this package can read it, so no bfloat16 tensor ever reaches a DJL operation.
 */
public final class ScriptHandle implements AutoCloseable {

    private final IValue value;
    private final AtomicBoolean closed = new AtomicBoolean();

    ScriptHandle(IValue value) {
        this.value = value;
    }

    IValue value() {
        if (closed.get()) {
            throw new IllegalStateException("the handle was closed");
        }
        return value;
    }

    /** Drops Java's reference; the program's memory goes once nothing in the program holds it either. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            value.close();
        }
    }
}
