package dev.modelport.runtime.safetensors;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns safetensors slices into NDArrays that own their memory, on the target device and dtype.
 * The engine first wraps the mapped bytes without copying; that view is then copied (and cast)
 * into memory libtorch owns, so closing the result frees it at once and nothing keeps the file
 * mapped. BF16 is widened to F32 here because the engine aborts the JVM on BF16 tensors.
 */
public final class TensorReader implements AutoCloseable {

    private final NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private ByteBuffer widened;

    public NDArray read(SafetensorsFile file, TensorInfo info, NDManager target, DataType dtype) {
        SafetensorsDtype type = SafetensorsDtype.of(info.dtype());
        if (type == null) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "tensor '" + info.name() + "' in "
                    + file.displayName() + " has dtype " + info.dtype() + ", not a floating-point weight type (F32, F16, BF16)");
        }
        Shape shape = new Shape(info.shape());
        ByteBuffer bytes = file.slice(info);
        DataType stored = switch (type) {
            case F32 -> DataType.FLOAT32;
            case F16 -> DataType.FLOAT16;
            case BF16 -> {
                bytes = widenBf16(bytes, info.elementCount());
                yield DataType.FLOAT32;
            }
        };
        try (NDArray view = scratch.create(bytes, shape, stored)) {
            NDArray owned = stored == dtype ? view.duplicate() : view.toType(dtype, true);
            if (!target.getDevice().equals(Device.cpu())) {
                NDArray moved = owned.toDevice(target.getDevice(), true);
                owned.close();
                owned = moved;
            }
            owned.attach(target);
            return owned;
        }
    }

    private ByteBuffer widenBf16(ByteBuffer bf16, long count) {
        int bytes = Math.toIntExact(count * 4);
        if (widened == null || widened.capacity() < bytes) {
            widened = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer out = widened.slice(0, bytes).order(ByteOrder.nativeOrder());
        for (int i = 0; i < count; i++) {
            out.putInt(i * 4, (bf16.getShort(i * 2) & 0xFFFF) << 16);
        }
        return out;
    }

    @Override
    public void close() {
        scratch.close();
        widened = null;
    }
}
