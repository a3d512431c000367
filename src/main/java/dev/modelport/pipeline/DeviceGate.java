package dev.modelport.pipeline;

import java.util.function.Supplier;

/**
 * Where a generation's forward passes run. The serving layer lends the model's device one pass at
 * a time (a prompt's prefill, or one batched decode step), so that other deployments on the same
 * device get their turns between the steps of a long generation instead of after it.
 */
public interface DeviceGate {
    /** Runs each pass on the calling thread with no device accounting (tests, benchmarks). */
    DeviceGate DIRECT = new DeviceGate() {
        @Override
        public <T> T pass(int sequences, Supplier<T> forward) {
            return forward.get();
        }
    };

    /**
     * Runs one forward pass holding the device, and returns its result. Must run the pass even if
     * the calling thread is interrupted: a batched decode step carries other generations' steps.
     *
     * @param sequences the sequences in the pass (1 for a prefill, the batch's rows for a decode step)
     */
    <T> T pass(int sequences, Supplier<T> forward);
}
