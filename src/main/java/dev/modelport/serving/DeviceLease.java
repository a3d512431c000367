package dev.modelport.serving;

import dev.modelport.pipeline.DeviceGate;
import io.micrometer.core.instrument.DistributionSummary;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The device lent to a generation one forward pass at a time: the pass takes one of the device's
 * permits (the same ones {@link DynamicBatcher} takes for a batch) and runs on the device's worker
 * threads, like every other pass, so a long native call never pins a virtual thread's carrier.
 * Between two decode steps the permit is free, so other deployments on the device interleave.
 */
final class DeviceLease implements DeviceGate {
    private final Semaphore device;
    private final ExecutorService workers;
    private final DistributionSummary batchSizes;

    DeviceLease(Semaphore device, ExecutorService workers, DistributionSummary batchSizes) {
        this.device = device;
        this.workers = workers;
        this.batchSizes = batchSizes;
    }

    @Override
    public <T> T pass(int sequences, Supplier<T> forward) {
        // uninterruptible on purpose: a decode step carries other generations' steps and must run
        device.acquireUninterruptibly();
        try {
            batchSizes.record(sequences);
            return CompletableFuture.supplyAsync(forward, workers).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        } finally {
            device.release();
        }
    }
}
