package dev.modelport.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * One bounded worker pool per device: how many forward passes may run on it at once, so that
 * libtorch's intra-op threads times concurrent passes never exceed the cores (oversubscription on a
 * 2-core box costs more than it gains), and the platform threads that run them. A pass is one long
 * native call; on a virtual thread it would pin its carrier and leave the HTTP handlers' virtual
 * threads one carrier short for its whole duration.
 */
final class DevicePermits {
    private final Map<String, Semaphore> permits = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> workers = new ConcurrentHashMap<>();
    private final int cpuConcurrency;

    DevicePermits(int cores, int torchThreads) {
        int threads = torchThreads <= 0 ? cores : torchThreads;
        this.cpuConcurrency = Math.max(1, cores / Math.max(1, threads));
    }

    Semaphore forDevice(String device) {
        // A GPU runs one stream of work well; parallel passes only contend for it.
        return permits.computeIfAbsent(device, d -> new Semaphore(d.startsWith("gpu") ? 1 : cpuConcurrency, true));
    }

    /** The device's pass threads; as many run at once as {@link #forDevice} hands out permits. */
    ExecutorService workers(String device) {
        return workers.computeIfAbsent(device, d -> Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("forward-" + d.replace(':', '-') + "-", 0).factory()));
    }

    int cpuConcurrency() {
        return cpuConcurrency;
    }

    void shutdown() {
        workers.values().forEach(ExecutorService::shutdownNow);
    }
}
