package dev.modelport.runtime.precision;

/**
 * The dtypes a model computes in. {@code INT8} is dynamic quantization: linear weights stored as
 * int8 with per-channel scales, activations quantized per call, everything else float32.
 */
public enum ComputeDtype {
    FLOAT32("float32", 6, 4),
    BFLOAT16("bfloat16", 15, 2),
    FLOAT16("float16", 5, 2),
    INT8("int8", 12, 4);

    private final String wireName;
    private final int handOffCode;
    private final int handOffBytes;

    ComputeDtype(String wireName, int handOffCode, int handOffBytes) {
        this.wireName = wireName;
        this.handOffCode = handOffCode;
        this.handOffBytes = handOffBytes;
    }

    /** As the API and config name it. */
    public String wireName() {
        return wireName;
    }

    /**
     * The c10::ScalarType code handed to the program with the weights: their dtype, or qint8 for
     * int8, whose float32 weights the program quantizes as it builds each linear.
     */
    public int handOffCode() {
        return handOffCode;
    }

    /** Bytes per element of the weights as handed over. */
    public int handOffBytes() {
        return handOffBytes;
    }
}
