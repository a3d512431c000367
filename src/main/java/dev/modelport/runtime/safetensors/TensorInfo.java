package dev.modelport.runtime.safetensors;

import java.util.Arrays;

/**
 * One tensor's header entry.
 *
 * @param dtype the safetensors dtype name, e.g. {@code F32}
 * @param begin first byte of the data, counted from the start of the file
 * @param end one past the last byte, counted from the start of the file
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
