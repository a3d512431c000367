package dev.modelport.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.precision.ComputeDtype;
import dev.modelport.runtime.precision.CpuBfloat16;
import dev.modelport.runtime.precision.CpuInt8;
import dev.modelport.runtime.precision.DtypePolicy;
import dev.modelport.runtime.pickle.PickleCheckpoint;
import dev.modelport.runtime.safetensors.SafetensorsCheckpoint;
import dev.modelport.runtime.script.ScriptArg;
import dev.modelport.runtime.script.ScriptProgram;
import dev.modelport.runtime.script.WeightHandOff;
import dev.modelport.runtime.weights.Checkpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** The runtime on DJL's PyTorch engine. The engine starts on first use, not at construction. */
public final class DjlModelRuntime implements ModelRuntime {
    private static final Logger LOG = Logger.getLogger(DjlModelRuntime.class);

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
        String modelType = config.path("model_type").asText("");
        Architecture architecture = Architectures.check(name, modelType, config.has("auto_map"));
        ProgramConfig program = architecture.family().configure(architecture, config);
        return new ModelSpec(name, modelType.isEmpty() ? architecture.modelTypes().iterator().next() : modelType,
                architecture.head(), config, program);
    }

    @Override
    public LoadedModel load(Path snapshotDir, ModelSpec spec, LoadOptions options) {
        Engine engine = engine();
        Device device = DeviceSelection.device(options == null ? null : options.device(), engine.getGpuCount());
        String dtype = options == null ? null : options.dtype();
        if (SafetensorsCheckpoint.isPresent(snapshotDir)) {
            return loadCheckpoint(() -> SafetensorsCheckpoint.open(snapshotDir), spec, device, dtype);
        }
        if (PickleCheckpoint.isPresent(snapshotDir)) {
            // no safetensors: pytorch_model.bin through the weights-only unpickler (nothing in it runs)
            return loadCheckpoint(() -> PickleCheckpoint.open(snapshotDir), spec, device, dtype);
        }
        Optional<Path> torchScript = TorchScriptModel.find(snapshotDir);
        if (torchScript.isPresent()) {
            if (dtype != null && !dtype.isBlank() && !dtype.equalsIgnoreCase("auto") && !dtype.equalsIgnoreCase("float32")) {
                throw new ModelportException(ErrorCode.INVALID_REQUEST,
                        "a TorchScript model runs at the precision it was exported in; use dtype auto or float32");
            }
            return TorchScriptModel.load(torchScript.get(), spec, device);
        }
        throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                "the model has no model.safetensors, sharded safetensors index, pytorch_model.bin (or its sharded index),"
                        + " or TorchScript *.pt file");
    }

    /**
     * Checks every tensor against the architecture's plan before anything runs, then compiles the
     * program, hands it the memory-mapped weights once and builds the model inside it.
     */
    private LoadedModel loadCheckpoint(Supplier<Checkpoint> opener, ModelSpec spec, Device device, String requestedDtype) {
        Architecture architecture = Architectures.require(spec.architecture());
        try (Checkpoint checkpoint = opener.get()) {
            Optional<Architecture> bare = architecture.family().bareBase(architecture, checkpoint.names());
            if (bare.isPresent()) {
                LOG.infof("%s: the checkpoint holds the base model alone (no head weights); running it as %s, as "
                        + "transformers' AutoModel does", spec.architecture(), bare.get().name());
                architecture = bare.get();
                spec = new ModelSpec(architecture.name(), spec.modelType(), architecture.head(), spec.config(),
                        architecture.family().configure(architecture, spec.config()));
            }
            TensorPlan plan = architecture.family().plan(architecture, spec.program(), checkpoint.names());
            List<WeightHandOff.Weight> weights = plan.resolve(checkpoint);
            DtypePolicy.Choice dtype = DtypePolicy.choose(requestedDtype, storedDtype(weights), device.isGpu(),
                    CpuBfloat16::fast);
            ScriptProgram program = ScriptProgram.load(spec.architecture(), ProgramArchives.build(spec.program()), device);
            try {
                WeightHandOff.handOff(program, weights, dtype.dtype().handOffCode(), DeviceSelection.torchName(device));
                Map<String, String> values = new LinkedHashMap<>(spec.program().values());
                values.put("compute_dtype", dtype.dtype().wireName());
                values.put("int8_reduce_range", Boolean.toString(CpuInt8.reduceRange()));
                program.setUp("build", new ScriptArg.Strings(values));
                long bytes = WeightHandOff.residentBytes(weights, dtype.dtype().handOffBytes());
                if (dtype.dtype() == ComputeDtype.INT8) {
                    // linear weights are one byte each once the float32 reference is dropped
                    bytes -= 3 * program.number("quantized_elements");
                }
                String id = DeviceSelection.id(device);
                return switch (spec.program().kind()) {
                    case DECODER -> new ScriptDecoder(program, spec, id, dtype, bytes);
                    case SEQ2SEQ -> new ScriptSeq2Seq(program, spec, id, dtype, bytes);
                    case ENCODER -> new ScriptEncoder(program, spec, id, dtype, bytes);
                };
            } catch (RuntimeException e) {
                program.close();
                throw e;
            }
        } catch (ModelportException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelportException(ErrorCode.LOAD_FAILED, "loading the weights failed: " + e.getMessage(), e);
        }
    }

    /** The dtype holding most of the checkpoint's bytes (norms are often float32 in a bfloat16 checkpoint). */
    static ComputeDtype storedDtype(List<WeightHandOff.Weight> weights) {
        Map<String, Long> bytes = new HashMap<>();
        weights.forEach(w -> bytes.merge(w.info().dtype(), w.info().byteSize(), Long::sum));
        String most = bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
        return switch (most) {
            case "BF16" -> ComputeDtype.BFLOAT16;
            case "F16" -> ComputeDtype.FLOAT16;
            default -> ComputeDtype.FLOAT32;
        };
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
