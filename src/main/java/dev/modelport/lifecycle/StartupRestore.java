package dev.modelport.lifecycle;

import dev.modelport.config.ModelportConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * RESTORE_ON_STARTUP: brings back the deployments recorded in MODEL_STORAGE_PATH, after the declared
 * ones are registered (api.DeclaredDeployments observes the same event with an earlier priority), so a
 * declared id wins over a metadata.json of the same id. Nothing is restored in MODELPORT_PREFILL mode.
 */
@ApplicationScoped
class StartupRestore {
    void onStart(@Observes StartupEvent event, ModelportConfig config, DeploymentRegistry registry) {
        if (config.storage().restoreOnStartup() && !config.deployments().prefill()) {
            registry.restore();
        }
    }
}
