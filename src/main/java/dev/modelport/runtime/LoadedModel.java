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

    /**
     * For an int8 model, how far its outputs were from float32 on the warm-up inputs (see
     * {@link EncoderModel#measureQuantization}); empty for other dtypes or before it is measured.
     */
    default java.util.Optional<QuantizationError> quantizationError() {
        return java.util.Optional.empty();
    }

    /** Bytes held by the weights. */
    long memoryBytes();

    /** Frees the program and its weights. */
    @Override
    void close();
}
