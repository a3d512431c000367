package dev.modelport.runtime;

import ai.djl.ndarray.NDManager;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every loaded model holds: its spec, device, dtype and the one manager its weights live in.
 * Requests work in sub-managers of it ({@link #newManager}), so freeing it frees the weights and
 * nothing of a request outlives the request.
 */
abstract class WeightsOnDevice implements LoadedModel {

    private final ModelSpec spec;
    private final String device;
    private final String dtype;
    private final NDManager weights;
    private final long memoryBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    WeightsOnDevice(ModelSpec spec, String device, String dtype, NDManager weights, long memoryBytes) {
        this.spec = spec;
        this.device = device;
        this.dtype = dtype;
        this.weights = weights;
        this.memoryBytes = memoryBytes;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String dtype() {
        return dtype;
    }

    @Override
    public long memoryBytes() {
        return memoryBytes;
    }

    @Override
    public NDManager newManager() {
        return weights.newSubManager();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            weights.close();
        }
    }
}
