package dev.modelport.lifecycle;

import dev.modelport.hub.ModelHub;
import dev.modelport.pipeline.PipelineFactory;
import dev.modelport.runtime.ModelRuntime;

/** The hub, runtime and pipeline factory a deployment is built with. */
public record Components(ModelHub hub, ModelRuntime runtime, PipelineFactory pipelines) {
}
