package dev.modelport.lifecycle;

import dev.modelport.config.ModelportConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** RESTORE_ON_STARTUP: brings back the deployments recorded in MODEL_STORAGE_PATH. */
@ApplicationScoped
class StartupRestore {
    void onStart(@Observes StartupEvent event, ModelportConfig config, DeploymentRegistry registry) {
        if (config.storage().restoreOnStartup()) {
            registry.restore();
        }
    }
}
