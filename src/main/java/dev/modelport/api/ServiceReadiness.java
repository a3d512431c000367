package dev.modelport.api;

import dev.modelport.config.ModelportConfig;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Ready once the storage paths are writable; each deployment's status is in the check data. */
@Readiness
@ApplicationScoped
public class ServiceReadiness implements HealthCheck {

    @Inject
    ModelportConfig config;
    @Inject
    DeploymentRegistry registry;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("modelport");
        boolean up = writable(b, "hub_cache", config.storage().hubCache())
                & writable(b, "model_storage", config.storage().modelStoragePath());
        for (DeploymentSnapshot s : registry.snapshots()) {
            b.withData("deployment." + s.deploymentId(), s.status().wireName());
        }
        return b.status(up).build();
    }

    private static boolean writable(HealthCheckResponseBuilder b, String name, String dir) {
        try {
            Path p = Files.createDirectories(Path.of(dir));
            Files.delete(Files.createTempFile(p, ".ready", ".tmp"));
            b.withData(name, "writable");
            return true;
        } catch (IOException | RuntimeException e) {
            b.withData(name, "not writable: " + e.getClass().getSimpleName());
            return false;
        }
    }
}
