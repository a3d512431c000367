package dev.modelport.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.nn.EncoderNetwork;
import dev.modelport.runtime.nn.Weights;
import dev.modelport.runtime.safetensors.SafetensorsCheckpoint;
import dev.modelport.runtime.safetensors.TensorReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The runtime on DJL's PyTorch engine. The engine starts on first use, not at construction. */
public final class DjlModelRuntime implements ModelRuntime {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int torchNumThreads;

    /** @param torchNumThreads intra-op threads; 0 = one per available core */
    public DjlModelRuntime(int torchNumThreads) {
        this.torchNumThreads = torchNumThreads;
    }

    private Engine engine() {
        return TorchEngine.start(torchNumThreads);
    }

    @Override
    public ModelSpec inspect(Path configJson) {
        JsonNode config;
        try {
            config = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "config.json is not valid JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "config.json is not a JSON object");
        }
        JsonNode architectures = config.get("architectures");
        if (architectures == null || !architectures.isArray() || architectures.isEmpty()) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE,
                    "config.json names no architecture; supported: " + String.join(", ", Architectures.supported()));
        }
        String name = architectures.get(0).asText();
        if (config.has("auto_map")) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "architecture " + name
                    + " needs the repo's own Python code (auto_map / trust_remote_code), which is never run here; supported: "
                    + String.join(", ", Architectures.supported()));
        }
        Architecture architecture = Architectures.require(name);
        String modelType = config.path("model_type").asText("");
        if (!modelType.isEmpty() && !architecture.modelTypes().contains(modelType)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "architecture " + name
                    + " with model_type '" + modelType + "' is not supported; expected model_type " + architecture.modelTypes());
        }
        architecture.checker().check(config);
        return new ModelSpec(name, modelType.isEmpty() ? architecture.modelTypes().iterator().next() : modelType,
                architecture.head(), config);
    }

    @Override
    public LoadedModel load(Path snapshotDir, ModelSpec spec, LoadOptions options) {
        Engine engine = engine();
        Device device = DeviceSelection.device(options == null ? null : options.device(), engine.getGpuCount());
        DataType dtype = DeviceSelection.dtype(options == null ? null : options.dtype(), device);
        if (SafetensorsCheckpoint.isPresent(snapshotDir)) {
            return loadSafetensors(snapshotDir, spec, device, dtype);
        }
        Optional<Path> torchScript = TorchScriptModel.find(snapshotDir);
        if (torchScript.isPresent()) {
            boolean halfRequested = DeviceSelection.dtype(options == null ? null : options.dtype(), Device.cpu()) == DataType.FLOAT16;
            if (halfRequested) {
                throw new ModelportException(ErrorCode.INVALID_REQUEST,
                        "a TorchScript model runs at the precision it was exported in; use dtype auto or float32");
            }
            return TorchScriptModel.load(torchScript.get(), spec, device);
        }
        throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                "the model has no model.safetensors, sharded safetensors index, or TorchScript *.pt file");
    }

    private LoadedModel loadSafetensors(Path dir, ModelSpec spec, Device device, DataType dtype) {
        Architecture architecture = Architectures.require(spec.architecture());
        NDManager weights = NDManager.newBaseManager(device, TorchEngine.NAME);
        weights.setName("weights:" + spec.architecture());
        try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir); TensorReader reader = new TensorReader()) {
            Weights root = Weights.of(checkpoint, reader, weights, dtype);
            if (architecture.isDecoder()) {
                return new CausalLmModel(spec, DeviceSelection.id(device), DeviceSelection.dtypeName(dtype), weights,
                        architecture.decoder().load(root, spec.config()), root.loadedBytes());
            }
            EncoderNetwork network = architecture.loader().load(root, spec.config());
            return new EncoderModel(spec, DeviceSelection.id(device), DeviceSelection.dtypeName(dtype), weights, network,
                    root.loadedBytes());
        } catch (ModelportException e) {
            weights.close();
            throw e;
        } catch (RuntimeException e) {
            weights.close();
            throw new ModelportException(ErrorCode.LOAD_FAILED, "loading the weights failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<DeviceInfo> devices() {
        Engine engine = engine();
        List<DeviceInfo> devices = new ArrayList<>();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        devices.add(new DeviceInfo("cpu", "cpu", System.getProperty("os.arch") + " CPU",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize(), os.getFreeMemorySize()));
        for (int i = 0; i < engine.getGpuCount(); i++) {
            Device gpu = Device.gpu(i);
            MemoryUsage memory = CudaUtils.getGpuMemory(gpu);
            devices.add(new DeviceInfo(DeviceSelection.id(gpu), "gpu",
                    "CUDA GPU " + i + " (compute capability " + CudaUtils.getComputeCapability(i) + ")", 0,
                    memory.getMax(), memory.getMax() - memory.getUsed()));
        }
        return devices;
    }

    @Override
    public String engineName() {
        return TorchEngine.NAME;
    }

    @Override
    public String engineVersion() {
        return engine().getVersion();
    }
}
