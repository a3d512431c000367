package dev.modelport.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * The runtime's entry point. Throws {@link dev.modelport.config.ModelportException}:
 * UNSUPPORTED_ARCHITECTURE (naming it), INVALID_CHECKPOINT (naming the missing or misshapen tensor),
 * UNSUPPORTED_MODEL_FILES, LOAD_FAILED.
 */
public interface ModelRuntime {

    /** Reads config.json and accepts or refuses its architecture. Cheap; no weights touched. */
    ModelSpec inspect(Path configJson);

    /** Loads the weights found in the snapshot folder (safetensors, sharded or not, or TorchScript). */
    LoadedModel load(Path snapshotDir, ModelSpec spec, LoadOptions options);

    /** Devices the engine sees, CPU first. */
    List<DeviceInfo> devices();

    String engineName();

    String engineVersion();
}
