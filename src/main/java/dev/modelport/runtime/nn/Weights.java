package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.safetensors.SafetensorsCheckpoint;
import dev.modelport.runtime.safetensors.TensorInfo;
import dev.modelport.runtime.safetensors.TensorReader;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A view of a checkpoint under a key prefix, as blocks see it: {@code weights.at("encoder.layer.0")}
 * then {@code get("attention.self.query.weight", hidden, hidden)}. Every tensor is fetched with the
 * shape the architecture expects, so a wrong checkpoint fails at load naming the key. Loaded arrays
 * belong to one manager per model, which frees them all on close.
 */
public final class Weights {

    private final Source source;
    private final String prefix;

    private record Source(SafetensorsCheckpoint checkpoint, TensorReader reader, NDManager manager, DataType dtype,
            AtomicLong bytes) {
    }

    private Weights(Source source, String prefix) {
        this.source = source;
        this.prefix = prefix;
    }

    /** @param manager owns every array loaded through this view and its children */
    public static Weights of(SafetensorsCheckpoint checkpoint, TensorReader reader, NDManager manager, DataType dtype) {
        return new Weights(new Source(checkpoint, reader, manager, dtype, new AtomicLong()), "");
    }

    /** The view under {@code prefix.} (an empty prefix gives this view). */
    public Weights at(String sub) {
        return sub.isEmpty() ? this : new Weights(source, prefix + sub + ".");
    }

    public String prefix() {
        return prefix;
    }

    public boolean has(String key) {
        return resolve(prefix + key) != null;
    }

    /**
     * The stored name of a tensor: the key itself, or for LayerNorm parameters the TensorFlow-era
     * {@code LayerNorm.gamma} / {@code LayerNorm.beta} that older checkpoints such as
     * bert-base-uncased still carry (transformers renames them on load the same way).
     */
    private String resolve(String name) {
        if (source.checkpoint.has(name)) {
            return name;
        }
        String legacy = name.endsWith("LayerNorm.weight") ? name.substring(0, name.length() - "weight".length()) + "gamma"
                : name.endsWith("LayerNorm.bias") ? name.substring(0, name.length() - "bias".length()) + "beta"
                : null;
        return legacy != null && source.checkpoint.has(legacy) ? legacy : null;
    }

    /** Whether any tensor lives under {@code sub.}, e.g. whether a checkpoint keeps its {@code bert.} prefix. */
    public boolean hasPrefix(String sub) {
        String p = prefix + sub + ".";
        return source.checkpoint.names().stream().anyMatch(n -> n.startsWith(p));
    }

    public NDArray get(String key, long... shape) {
        String wanted = prefix + key;
        String name = resolve(wanted);
        if (name == null) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    "checkpoint " + source.checkpoint.source() + " has no tensor '" + wanted + "'");
        }
        TensorInfo info = source.checkpoint.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "tensor '" + name + "' in "
                    + source.checkpoint.fileOf(name).displayName() + " has shape " + info.shapeText() + ", expected "
                    + Arrays.toString(shape));
        }
        NDArray array = source.reader.read(source.checkpoint.fileOf(name), info, source.manager, source.dtype);
        source.bytes.addAndGet(array.size() * source.dtype.getNumOfBytes());
        return array;
    }

    /** Bytes of every array loaded so far through this view's checkpoint. */
    public long loadedBytes() {
        return source.bytes.get();
    }

    public DataType dtype() {
        return source.dtype;
    }
}
