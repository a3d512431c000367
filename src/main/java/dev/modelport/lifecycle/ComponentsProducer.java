package dev.modelport.lifecycle;

import dev.modelport.config.ModelportConfig;
import dev.modelport.hub.HubClient;
import dev.modelport.hub.HubSettings;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.DjlModelRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.nio.file.Path;
import java.time.Duration;

/** Builds the plain-Java hub, runtime and pipeline factory from the configuration, once. */
@ApplicationScoped
class ComponentsProducer {

    @Produces
    @jakarta.inject.Singleton
    Components components(ModelportConfig config) {
        ModelportConfig.Hub hub = config.hub();
        HubSettings settings = new HubSettings(hub.endpoint().replaceAll("/+$", ""), hub.token().filter(t -> !t.isBlank()).orElse(null),
                hub.offline(), Path.of(config.storage().hubCache()), Duration.ofSeconds(hub.downloadTimeoutSeconds()),
                Duration.ofSeconds(hub.stallTimeoutSeconds()), hub.retries(), hub.parallelism());
        return new Components(new HubClient(settings), new DjlModelRuntime(config.serving().torchNumThreads()),
                new TaskPipelineFactory());
    }
}
