package dev.modelport.runtime.weights;

import dev.modelport.runtime.safetensors.TensorInfo;
import java.util.Set;

/**
 * A repo's weights in one format, single file or sharded: tensors looked up by their full checkpoint
 * key, each with its header entry and the file that holds it. Opening one reads every header (and,
 * for a PyTorch pickle, the whole pickle) and checks it; tensor bytes are read only when sliced.
 */
public interface Checkpoint extends AutoCloseable {

    /** The file or index that names the checkpoint in messages, e.g. {@code model.safetensors}. */
    String source();

    Set<String> names();

    boolean has(String name);

    /** The tensor's entry, or null. */
    TensorInfo info(String name);

    /** The file holding the tensor, or null. */
    WeightSource fileOf(String name);

    @Override
    void close();
}
