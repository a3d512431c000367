package dev.modelport.lifecycle;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.FileSelection;
import dev.modelport.hub.ModelInfo;
import dev.modelport.hub.RepoFile;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import dev.modelport.serving.ModelServer;
import dev.modelport.serving.ServeOptions;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Drives one deployment through validating, downloading, loading, creating and starting. Runs on
 * its own virtual thread; every failure ends as a {@code failed} status with a code, never as a
 * stuck deployment, and whatever was loaded is released.
 */
final class DeploymentRunner implements Runnable {
    private static final Logger LOG = Logger.getLogger(DeploymentRunner.class);

    private final Deployment deployment;
    private final Components components;
    private final ModelServer server;
    private final ModelportConfig config;
    private final boolean restoring;
    private final Loaded loaded;

    DeploymentRunner(Deployment deployment, Components components, ModelServer server, ModelportConfig config,
                     boolean restoring, Loaded loaded) {
        this.deployment = deployment;
        this.components = components;
        this.server = server;
        this.config = config;
        this.restoring = restoring;
        this.loaded = loaded;
    }

    @Override
    public void run() {
        String id = deployment.id();
        try {
            DeploymentRequest req = deployment.request();
            deployment.advance(DeploymentStatus.VALIDATING, "Resolving " + req.modelId() + "@" + revision(req));
            Plan plan = restoring ? planFromCache(req) : validate(req);

            deployment.advance(DeploymentStatus.DOWNLOADING, plan.snapshot() != null
                    ? "All files already in the cache" : "Downloading " + plan.files().size() + " files ("
                    + Sizes.human(plan.totalBytes()) + ")");
            Path snapshot = plan.snapshot() != null ? plan.snapshot()
                    : components.hub().download(plan.info(), plan.files(),
                    new DownloadTicker(id, deployment::tick), deployment.cancellation());

            deployment.advance(DeploymentStatus.LOADING, "Loading weights of " + plan.spec().architecture());
            LoadedModel model = components.runtime().load(snapshot, plan.spec(),
                    new LoadOptions(device(req), req.dtype() == null ? "auto" : req.dtype()));
            loaded.model = model;
            deployment.recordLoad(model.device(), model.dtype(), model.dtypeReason(), model.memoryBytes());
            checkMeasuredMemory(model.memoryBytes());

            deployment.advance(DeploymentStatus.CREATING, "Building the " + plan.task().wireName()
                    + " pipeline and running a warm-up inference");
            Pipeline pipeline = components.pipelines().create(model, snapshot, plan.task());
            loaded.pipeline = pipeline;
            model.quantizationError().ifPresent(e -> deployment.recordQuantization(e, model.memoryBytes()));

            deployment.advance(DeploymentStatus.STARTING, "Starting the " + model.device() + " workers");
            boolean dedicated = Boolean.TRUE.equals(req.dedicatedPort());
            Optional<Integer> port = server.start(id, plan.task().wireName(), pipeline,
                    new ServeOptions(model.device(), model.memoryBytes(), dedicated, req.maxBatchSize(), req.maxBatchDelayMs()));
            loaded.serving = true;
            deployment.recordPort(port.orElse(null));

            deployment.advance(DeploymentStatus.COMPLETED, "Ready: " + plan.task().wireName() + " on " + model.device());
        } catch (ModelportException e) {
            if (e.code() == ErrorCode.CANCELLED || deployment.cancellation().isCancelled()) {
                LOG.infof("Deployment %s cancelled", id);
            } else {
                LOG.errorf(e, "Deployment %s failed: %s %s", id, e.code(), e.getMessage());
                deployment.fail(e.code(), e.getMessage());
            }
            loaded.release(server, id);
        } catch (RuntimeException | Error e) {
            LOG.errorf(e, "Deployment %s failed unexpectedly", id);
            deployment.fail(ErrorCode.INTERNAL_ERROR, "Unexpected error at " + deployment.status().wireName()
                    + "; see logs/deployment.log");
            loaded.release(server, id);
        }
        if (deployment.cancellation().isCancelled()) {
            loaded.release(server, id);
        }
    }

    /** What a deployment will fetch and run, decided before any weight byte moves. */
    record Plan(ModelInfo info, List<RepoFile> files, ModelSpec spec, Task task, Path snapshot) {
        long totalBytes() {
            return files.stream().mapToLong(RepoFile::size).sum();
        }
    }

    private Plan validate(DeploymentRequest req) {
        ModelInfo info = components.hub().modelInfo(req.modelId(), revision(req));
        FileSelection selection = components.hub().selectFiles(info);
        ModelChecks.requireRunnableFiles(selection);
        ModelChecks.requireDownloadWithinLimit(selection.totalBytes(), config.limits().maxModelSizeGb());
        deployment.cancellation().throwIfCancelled();
        Path configJson = components.hub().fetchFile(info, "config.json");
        // recorded before it is judged, so a refused model still says which architecture it is
        deployment.recordArchitecture(info.commit(), ModelChecks.architectureName(configJson));
        ModelSpec spec = components.runtime().inspect(configJson);
        Task task = components.pipelines().resolveTask(spec, info.pipelineTag(), req.task());
        ModelChecks.requireMemoryWithinLimit(ModelChecks.estimateMemoryBytes(selection, spec.config(), req.dtype(), req.device()),
                config.limits().maxMemoryPerModelGb());
        deployment.recordValidation(info.commit(), task.wireName(), spec.architecture(),
                selection.selected().stream().map(f -> new FileEntry(f.path(), f.size())).toList());
        return new Plan(info, selection.selected(), spec, task, null);
    }

    /** A restart: everything must come from the cache, as recorded in metadata.json. */
    private Plan planFromCache(DeploymentRequest req) {
        DeploymentSnapshot saved = deployment.snapshot();
        List<String> paths = saved.files().stream().map(FileEntry::path).toList();
        Path snapshot = components.hub().cachedSnapshot(req.modelId(), saved.commit(), paths)
                .orElseThrow(() -> new ModelportException(ErrorCode.NOT_IN_CACHE, "Files of " + req.modelId() + "@"
                        + saved.commit() + " are no longer in the cache; deploy it again"));
        ModelSpec spec = components.runtime().inspect(snapshot.resolve("config.json"));
        Task task = Task.fromWire(saved.task()).orElseThrow(() -> new ModelportException(ErrorCode.UNSUPPORTED_TASK,
                "Unknown task in metadata.json: " + saved.task()));
        return new Plan(null, List.of(), spec, task, snapshot);
    }

    private void checkMeasuredMemory(long bytes) {
        ModelChecks.requireMemoryWithinLimit(bytes, config.limits().maxMemoryPerModelGb());
    }

    private String device(DeploymentRequest req) {
        return req.device() == null || req.device().isBlank() ? config.serving().defaultDevice() : req.device();
    }

    private static String revision(DeploymentRequest req) {
        return req.revision() == null ? "main" : req.revision();
    }

    /** What a run has brought up so far, released in reverse order when the deployment ends. */
    static final class Loaded {
        private volatile LoadedModel model;
        private volatile Pipeline pipeline;
        private volatile boolean serving;

        synchronized void release(ModelServer server, String id) {
            if (serving) {
                server.stop(id); // closes the pipeline too
                serving = false;
                pipeline = null;
            }
            if (pipeline != null) {
                pipeline.close();
                pipeline = null;
            }
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
