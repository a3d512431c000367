package dev.modelport.runtime.safetensors;

/** The safetensors element types the runtime can turn into floating-point weights. */
public enum SafetensorsDtype {
    F32(4), F16(2), BF16(2);

    private final int bytes;

    SafetensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The type, or null for one that weights never use (I64 buffers, bool masks, ...). */
    public static SafetensorsDtype of(String name) {
        return switch (name) {
            case "F32" -> F32;
            case "F16" -> F16;
            case "BF16" -> BF16;
            default -> null;
        };
    }
}
