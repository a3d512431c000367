package dev.modelport.serving;

import dev.modelport.config.ModelportConfig;
import dev.modelport.pipeline.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The deployments being served, each with its device's permits and, if asked, a dedicated port. */
@ApplicationScoped
public class ModelServer {
    /**
     * Tasks whose list input gives exactly one output per text, independent of the other texts, so
     * that requests can share a forward pass. Generation is left out: its sampling and streaming are
     * per request.
     */
    private static final Set<String> MERGING_TASKS = Set.of("text-classification", "token-classification", "fill-mask",
            "feature-extraction", "sentence-similarity", "zero-shot-classification");
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final ModelportConfig config;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final DevicePermits permits;
    private final PortAllocator ports;
    @Inject
    DedicatedPortRoutes routes;

    private record Served(ServedModel model, DedicatedPortServer port) {
    }

    @Inject
    public ModelServer(ModelportConfig config, MeterRegistry registry, Vertx vertx) {
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
        this.permits = new DevicePermits(Runtime.getRuntime().availableProcessors(), config.serving().torchNumThreads());
        this.ports = new PortAllocator(config.serving().deploymentPortRange());
    }

    /**
     * Starts serving a pipeline. Returns the dedicated port, if one was asked for and dedicated ports
     * are enabled; throws NO_FREE_PORT when the range is exhausted.
     */
    public Optional<Integer> start(String deploymentId, String task, Pipeline pipeline, ServeOptions options) {
        ModelportConfig.Serving s = config.serving();
        int maxBatch = options.maxBatchSize() == null ? s.maxBatchSize() : options.maxBatchSize();
        int delay = options.maxBatchDelayMs() == null ? s.maxBatchDelayMs() : options.maxBatchDelayMs();
        ServedModel.Lanes lanes = new ServedModel.Lanes(permits.forDevice(options.device()), permits.workers(options.device()),
                MERGING_TASKS.contains(task) ? maxBatch : 1, delay, s.maxQueueSize());
        ServedModel model = new ServedModel(deploymentId, task, pipeline, lanes, s.inferenceTimeoutMs(), registry,
                options.memoryBytes());
        DedicatedPortServer port = null;
        if (options.dedicatedPort() && s.dedicatedPortsEnabled()) {
            DedicatedPortServer[] bound = new DedicatedPortServer[1];
            try {
                ports.reserve(p -> {
                    routes.attach(p, deploymentId);
                    bound[0] = DedicatedPortServer.bind(vertx, "0.0.0.0", p, routes.entry());
                    if (bound[0] == null) {
                        routes.detach(p);
                    }
                    return bound[0] != null;
                });
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            port = bound[0];
        }
        served.put(deploymentId, new Served(model, port));
        return Optional.ofNullable(port).map(DedicatedPortServer::port);
    }

    public Optional<ServedModel> find(String deploymentId) {
        return Optional.ofNullable(served.get(deploymentId)).map(Served::model);
    }

    /** Stops serving: frees the port and the pipeline; the model is closed by its owner. */
    public void stop(String deploymentId) {
        Served s = served.remove(deploymentId);
        if (s == null) {
            return;
        }
        if (s.port() != null) {
            int p = s.port().port();
            s.port().close();
            routes.detach(p);
            ports.release(p);
        }
        s.model().close();
    }

    /** Concurrent forward passes allowed per CPU device. */
    public int cpuConcurrency() {
        return permits.cpuConcurrency();
    }

    @PreDestroy
    void shutdown() {
        served.keySet().forEach(this::stop);
        permits.shutdown();
    }
}
