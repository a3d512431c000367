package dev.modelport.lifecycle;

import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.Cancellation;
import dev.modelport.hub.FileSelection;
import dev.modelport.hub.ModelInfo;
import dev.modelport.pipeline.Task;
import dev.modelport.runtime.ModelSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;

/**
 * MODELPORT_PREFILL: fills HF_HUB_CACHE with what the declared deployments will need, for a one-off Job
 * in front of replicas that share (or mount read-only) that cache. Each model goes through the checks of
 * the {@code validating} stage (files, size limit, architecture, task) and its files are downloaded as a
 * deployment would download them; nothing is loaded and no engine starts.
 */
@ApplicationScoped
public class CachePrefill {
    private static final Logger LOG = Logger.getLogger(CachePrefill.class);
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final Components components;
    private final ModelportConfig config;

    @Inject
    public CachePrefill(Components components, ModelportConfig config) {
        this.components = components;
        this.config = config;
    }

    /** Fetches every request's files; returns how many failed (each failure logged with its code). */
    public int run(List<DeploymentRequest> requests) {
        int failed = 0;
        for (DeploymentRequest req : requests) {
            String revision = req.revision() == null ? "main" : req.revision();
            try {
                long start = System.nanoTime();
                ModelInfo info = components.hub().modelInfo(req.modelId(), revision);
                FileSelection selection = components.hub().selectFiles(info);
                ModelChecks.requireRunnableFiles(selection);
                ModelChecks.requireDownloadWithinLimit(selection.totalBytes(), config.limits().maxModelSizeGb());
                ModelSpec spec = components.runtime().inspect(components.hub().fetchFile(info, "config.json"));
                Task task = components.pipelines().resolveTask(spec, info.pipelineTag(), req.task());
                long[] lastLog = {System.nanoTime()};
                Path snapshot = components.hub().download(info, selection.selected(), (file, done, total) -> {
                    long now = System.nanoTime();
                    if (now - lastLog[0] >= LOG_EVERY_NANOS) {
                        lastLog[0] = now;
                        LOG.infof("Pre-fill %s: %s of %s", req.deploymentId(), Sizes.human(done), Sizes.human(total));
                    }
                }, new Cancellation());
                LOG.infof("Pre-filled %s: %s@%s (commit %s, %s, %s) - %d files, %s, in %d ms, at %s", req.deploymentId(),
                        req.modelId(), revision, info.commit(), spec.architecture(), task.wireName(), selection.selected().size(),
                        Sizes.human(selection.totalBytes()), (System.nanoTime() - start) / 1_000_000, snapshot);
            } catch (ModelportException e) {
                failed++;
                LOG.errorf(e, "Pre-fill of %s (%s@%s) failed: %s %s", req.deploymentId(), req.modelId(), revision,
                        e.code(), e.getMessage());
            } catch (RuntimeException e) {
                failed++;
                LOG.errorf(e, "Pre-fill of %s (%s@%s) failed unexpectedly", req.deploymentId(), req.modelId(), revision);
            }
        }
        return failed;
    }
}
