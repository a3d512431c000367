package dev.modelport.pipeline;

import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;

import java.nio.file.Path;

/** Picks a deployment's task and builds its pipeline. */
public interface PipelineFactory {

    /**
     * The task to serve: the requested one if the architecture can serve it (else UNSUPPORTED_TASK),
     * otherwise inferred from the architecture and the hub's pipeline tag.
     *
     * @param pipelineTag the hub's {@code pipeline_tag}, or null
     * @param requestedTask the user's task, or null
     */
    Task resolveTask(ModelSpec spec, String pipelineTag, String requestedTask);

    /** Builds the tokenizer and pipeline from the snapshot's files and runs one warm-up inference. */
    Pipeline create(LoadedModel model, Path snapshotDir, Task task);
}
