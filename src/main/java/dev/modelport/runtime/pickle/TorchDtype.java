package dev.modelport.runtime.pickle;

/**
 * The element types a PyTorch checkpoint's storages and tensors can have, named as safetensors names
 * them (what {@link dev.modelport.runtime.safetensors.TensorInfo#dtype()} carries), with their size.
 * Only F32, F16 and BF16 become weights; the others are read so that buffers such as int64
 * {@code position_ids} can be skipped by name, and refused by the tensor plan if a program asked for them.
 */
public enum TorchDtype {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1), C64(8), C128(16),
    U16(2), U32(4), U64(8), F8_E4M3(1), F8_E5M2(1);

    private final int bytes;

    TorchDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The type of a legacy typed storage class such as {@code FloatStorage}; null for quantized storages. */
    static TorchDtype ofStorageClass(String simpleName) {
        return switch (simpleName) {
            case "DoubleStorage" -> F64;
            case "FloatStorage" -> F32;
            case "HalfStorage" -> F16;
            case "BFloat16Storage" -> BF16;
            case "LongStorage" -> I64;
            case "IntStorage" -> I32;
            case "ShortStorage" -> I16;
            case "CharStorage" -> I8;
            case "ByteStorage" -> U8;
            case "BoolStorage" -> BOOL;
            case "ComplexFloatStorage" -> C64;
            case "ComplexDoubleStorage" -> C128;
            default -> null;
        };
    }

    /** The type a {@code torch.<name>} dtype global stands for; null for types Modelport cannot lay out. */
    static TorchDtype ofDtypeName(String name) {
        return switch (name) {
            case "float64" -> F64;
            case "float32" -> F32;
            case "float16" -> F16;
            case "bfloat16" -> BF16;
            case "int64" -> I64;
            case "int32" -> I32;
            case "int16" -> I16;
            case "int8" -> I8;
            case "uint8" -> U8;
            case "bool" -> BOOL;
            case "complex64" -> C64;
            case "complex128" -> C128;
            case "uint16" -> U16;
            case "uint32" -> U32;
            case "uint64" -> U64;
            case "float8_e4m3fn" -> F8_E4M3;
            case "float8_e5m2" -> F8_E5M2;
            default -> null;
        };
    }
}
