package dev.modelport.runtime.weights;

import dev.modelport.runtime.safetensors.TensorInfo;
import java.nio.ByteBuffer;

/** One weights file whose tensors can be read as little-endian, row-major bytes. */
public interface WeightSource {

    /** How errors name the file: its name in the repo, never a full path. */
    String displayName();

    /**
     * {@code length} bytes of the tensor's row-major data from byte {@code offset}, little-endian,
     * positioned at 0: a view of the memory-mapped file where the bytes lie there in that order, else
     * a copy. The bytes stay valid while the buffer is reachable, even after {@link #close()}.
     */
    ByteBuffer slice(TensorInfo info, long offset, long length);
}
