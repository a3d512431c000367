package dev.modelport.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.FileSelection;
import dev.modelport.hub.RepoFile;
import dev.modelport.hub.SkippedFile;
import dev.modelport.runtime.ModelMemoryEstimator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The limits and file requirements a model must meet before a byte of weights is fetched. */
public final class ModelChecks {
    private static final double GB = 1e9;

    private ModelChecks() {
    }

    /** Weight files: safetensors, PyTorch pickles (pytorch_model.bin and its shards) and TorchScript .pt. */
    public static boolean isWeights(String path) {
        return path.endsWith(".safetensors") || path.endsWith(".pt")
                || (path.startsWith("pytorch_model") && path.endsWith(".bin"));
    }

    /**
     * A repo must have config.json and one weights format we load without running its code:
     * safetensors, or PyTorch pickles (read by the weights-only unpickler at loading, which refuses
     * anything but tensors with UNSAFE_WEIGHTS), or a TorchScript .pt.
     */
    public static void requireRunnableFiles(FileSelection selection) {
        if (!selection.has("config.json")) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "The repo has no config.json, so its architecture cannot be known");
        }
        if (selection.selected().stream().noneMatch(f -> isWeights(f.path()))) {
            String why = selection.skipped().stream()
                    .filter(s -> s.path().endsWith(".bin") || s.path().endsWith(".h5") || s.path().endsWith(".onnx"))
                    .map(SkippedFile::reason).findFirst()
                    .orElse("no model.safetensors, pytorch_model.bin or TorchScript .pt in the repo");
            throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES,
                    "No weights Modelport can load safely: " + why);
        }
    }

    public static void requireDownloadWithinLimit(long bytes, double maxGb) {
        if (bytes > maxGb * GB) {
            throw new ModelportException(ErrorCode.MODEL_TOO_LARGE, String.format(Locale.ROOT,
                    "The model needs %s of downloads, over MAX_MODEL_SIZE_GB=%s", Sizes.human(bytes), trim(maxGb)));
        }
    }

    public static void requireMemoryWithinLimit(long bytes, double maxGb) {
        if (bytes > maxGb * GB) {
            throw new ModelportException(ErrorCode.MEMORY_LIMIT_EXCEEDED, String.format(Locale.ROOT,
                    "The model needs about %s of memory, over MAX_MEMORY_PER_MODEL_GB=%s", Sizes.human(bytes), trim(maxGb)));
        }
    }

    /**
     * Weight memory before loading: the weight files' bytes at the dtype the model will compute in
     * (ModelMemoryEstimator); the loaded size is measured and checked again after loading.
     *
     * @param config config.json, or null before it is read
     * @param device the requested device (null = auto)
     */
    public static long estimateMemoryBytes(FileSelection selection, JsonNode config, String dtype, String device) {
        long weights = selection.selected().stream().filter(f -> isWeights(f.path())).mapToLong(RepoFile::size).sum();
        boolean gpu = device != null && device.toLowerCase(Locale.ROOT).startsWith("gpu");
        return ModelMemoryEstimator.weightBytes(weights, config, dtype, gpu);
    }

    /**
     * {@link #estimateMemoryBytes} for every dtype, on a CPU and on a GPU (int8 runs on CPUs only):
     * what the wizard shows for the user's choice.
     */
    public static Map<String, Map<String, Long>> memoryByDtype(FileSelection selection, JsonNode config) {
        Map<String, Map<String, Long>> all = new LinkedHashMap<>();
        for (String device : List.of("cpu", "gpu")) {
            Map<String, Long> bytes = new LinkedHashMap<>();
            for (String dtype : List.of("auto", "float32", "bfloat16", "float16", "int8")) {
                if (!(device.equals("gpu") && dtype.equals("int8"))) {
                    bytes.put(dtype, estimateMemoryBytes(selection, config, dtype, device));
                }
            }
            all.put(device, bytes);
        }
        return all;
    }

    /**
     * The architecture config.json names ({@code architectures[0]}), read without judging it, so that a refusal
     * can still say which architecture it was; null when the file names none or is not JSON.
     */
    public static String architectureName(java.nio.file.Path configJson) {
        try {
            JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(configJson.toFile());
            JsonNode first = config == null ? null : config.path("architectures").path(0);
            return first != null && first.isTextual() ? first.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null; // the runtime's inspection says what is wrong with the file
        }
    }

    /**
     * A refusal as the wizard shows it: the runtime's messages end with the list of every supported
     * architecture class ("; supported: A, B, ..."), which {@code GET /api/v1/system} gives once instead.
     */
    public static String shortReason(String message) {
        if (message == null) {
            return null;
        }
        int cut = message.indexOf("; supported: ");
        return cut < 0 ? message : message.substring(0, cut);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
