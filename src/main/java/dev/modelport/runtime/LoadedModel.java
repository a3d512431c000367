package dev.modelport.runtime;

/** A model on a device, ready for forward passes. Thread-safe for concurrent calls. */
public interface LoadedModel extends AutoCloseable {

    ModelSpec spec();

    /** {@code cpu} or {@code gpu:N} */
    String device();

    /** The compute dtype: {@code float32}, {@code bfloat16}, {@code float16} or {@code int8}. */
    String dtype();

    /** Why this dtype, when it was chosen for the user ({@code auto}); empty otherwise. */
    default String dtypeReason() {
        return "";
    }

    /** Bytes held by the weights. */
    long memoryBytes();

    /** Frees the program and its weights. */
    @Override
    void close();
}
