package dev.modelport.runtime;

import ai.djl.Device;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.util.Locale;

/**
 * Turns the user's {@code device} into what the engine takes. {@code auto}: the first GPU when the
 * engine sees one, else the CPU. (The dtype is {@link dev.modelport.runtime.precision.DtypePolicy}'s.)
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

    /** {@code cpu} or {@code gpu:N}, as the API shows devices. */
    static String id(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    /** How libtorch names the device: {@code cpu} or {@code cuda:N}. */
    static String torchName(Device device) {
        return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
    }
}
