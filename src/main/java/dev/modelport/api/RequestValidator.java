package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Task;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Strict patterns for everything that becomes a path or a URL: model ids, revisions and deployment
 * ids never contain {@code ..}, absolute paths or odd characters.
 */
final class RequestValidator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    private static final Pattern MODEL_ID = Pattern.compile("(" + NAME.pattern() + "/)?" + NAME.pattern());
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,127}");
    static final Pattern DEPLOYMENT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu|gpu:\\d{1,2}");
    private static final Pattern DTYPE = Pattern.compile("auto|float32|bfloat16|float16|int8");

    private RequestValidator() {
    }

    static String modelId(String id) {
        if (id == null || id.isBlank()) {
            throw new ModelportException(ErrorCode.INVALID_MODEL_ID, "model_id is required, e.g. \"distilbert/distilbert-base-uncased-finetuned-sst-2-english\"");
        }
        if (!MODEL_ID.matcher(id).matches() || id.contains("..") || id.endsWith(".")) {
            throw new ModelportException(ErrorCode.INVALID_MODEL_ID, "Invalid model_id \"" + shorten(id)
                    + "\": expected org/name with letters, digits, '.', '_' or '-' (at most 96 each)");
        }
        return id;
    }

    static String revision(String rev) {
        if (rev == null || rev.isBlank()) {
            return "main";
        }
        if (!REVISION.matcher(rev).matches() || rev.contains("..") || rev.contains("//") || rev.endsWith("/")) {
            throw new ModelportException(ErrorCode.INVALID_REVISION, "Invalid revision \"" + shorten(rev)
                    + "\": expected a branch, tag or commit hash");
        }
        return rev;
    }

    static String deploymentId(String id) {
        if (id == null || !DEPLOYMENT_ID.matcher(id).matches()) {
            throw new ModelportException(ErrorCode.INVALID_DEPLOYMENT_ID, "Invalid deployment_id \"" + shorten(String.valueOf(id))
                    + "\": 1-63 lowercase letters, digits or '-', starting with a letter or digit");
        }
        return id;
    }

    /** The default deployment id: the model name as a slug. */
    static String slug(String modelId) {
        String name = modelId.substring(modelId.indexOf('/') + 1).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > 63) {
            name = name.substring(0, 63).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "model" : name;
    }

    static String task(String task) {
        if (task == null || task.isBlank()) {
            return null;
        }
        return Task.fromWire(task).map(Task::wireName).orElseThrow(() -> new ModelportException(ErrorCode.INVALID_REQUEST,
                "Unknown task \"" + shorten(task) + "\"; one of " + java.util.Arrays.stream(Task.values()).map(Task::wireName).toList()));
    }

    static String device(String device) {
        if (device == null || device.isBlank()) {
            return null;
        }
        if (!DEVICE.matcher(device).matches()) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "device must be auto, cpu, gpu or gpu:N");
        }
        return device;
    }

    static String dtype(String dtype) {
        if (dtype == null || dtype.isBlank()) {
            return null;
        }
        if (!DTYPE.matcher(dtype).matches()) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "dtype must be auto, float32, bfloat16, float16 or int8");
        }
        return dtype;
    }

    /** int8 is dynamic quantization for CPUs (fbgemm): refused for a GPU at once, not at loading. */
    static void dtypeOnDevice(String dtype, String device) {
        if ("int8".equals(dtype) && device != null && device.startsWith("gpu")) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "dtype int8 (dynamic quantization) runs on the CPU only; use bfloat16 or float16 on a GPU");
        }
    }

    static Integer range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, field + " must be between " + min + " and " + max);
        }
        return value;
    }

    private static String shorten(String s) {
        String printable = s.replaceAll("[\\p{Cntrl}]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
    }
}
