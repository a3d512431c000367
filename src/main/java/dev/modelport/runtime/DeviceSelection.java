package dev.modelport.runtime;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.Locale;

/**
 * Turns the user's {@code device} and {@code dtype} into what the engine takes.
 * {@code auto}: the first GPU when the engine sees one, else the CPU; float16 on a GPU, float32 on
 * the CPU (where float16 matmuls are slower, see ENVIRONMENT.md).
 */
final class DeviceSelection {

    private DeviceSelection() {
    }

    static Device device(String requested, int gpuCount) {
        String d = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (d.equals("auto")) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda")) {
            requireGpu(0, gpuCount);
            return Device.gpu(0);
        }
        if (d.matches("(gpu|cuda):\\d{1,3}")) {
            int index = Integer.parseInt(d.substring(d.indexOf(':') + 1));
            requireGpu(index, gpuCount);
            return Device.gpu(index);
        }
        throw new ModelportException(ErrorCode.INVALID_REQUEST,
                "device '" + requested + "' is not one of auto, cpu, gpu, gpu:N");
    }

    private static void requireGpu(int index, int gpuCount) {
        if (gpuCount == 0) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "no GPU available");
        }
        if (index >= gpuCount) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "GPU " + index + " is not available; the engine sees " + gpuCount + " GPU(s)");
        }
    }

    static DataType dtype(String requested, Device device) {
        String t = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto" -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
            case "float32", "fp32" -> DataType.FLOAT32;
            case "float16", "fp16", "half" -> DataType.FLOAT16;
            default -> throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "dtype '" + requested + "' is not one of auto, float32, float16");
        };
    }

    /** {@code cpu} or {@code gpu:N}, as the API shows devices. */
    static String id(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    static String dtypeName(DataType dtype) {
        return dtype == DataType.FLOAT16 ? "float16" : "float32";
    }
}
