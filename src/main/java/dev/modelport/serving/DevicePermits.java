package dev.modelport.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One bounded pool per device: how many forward passes may run on it at once, so that libtorch's
 * intra-op threads times concurrent passes never exceed the cores (oversubscription on a 2-core box
 * costs more than it gains).
 */
final class DevicePermits {
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();
    private final int cpuConcurrency;

    DevicePermits(int cores, int torchThreads) {
        int threads = torchThreads <= 0 ? cores : torchThreads;
        this.cpuConcurrency = Math.max(1, cores / Math.max(1, threads));
    }

    Semaphore forDevice(String device) {
        // A GPU runs one stream of work well; parallel passes only contend for it.
        return permits.computeIfAbsent(device, d -> new Semaphore(d.startsWith("gpu") ? 1 : cpuConcurrency, true));
    }

    int cpuConcurrency() {
        return cpuConcurrency;
    }
}
