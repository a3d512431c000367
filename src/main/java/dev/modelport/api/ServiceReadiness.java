package dev.modelport.api;

import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportConfig.DeclaredReadiness;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Ready once the storage the service writes to is writable (the HF cache only has to be readable with
 * HF_HUB_OFFLINE=1; MODEL_STORAGE_PATH is not checked when it is empty) and the declared deployments are
 * where MODELPORT_DEPLOYMENTS_READINESS wants them: all {@code completed} (default), or all ended,
 * completed or failed ({@code settled}), the failures named in the check data. Each deployment's status
 * is in the check data too.
 */
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
        boolean up = config.hub().offline() ? readable(b, "hub_cache", config.storage().hubCache())
                : writable(b, "hub_cache", config.storage().hubCache());
        if (registry.persistent()) {
            up &= writable(b, "model_storage", config.storage().modelStoragePath().orElseThrow());
        } else {
            b.withData("model_storage", "off (MODEL_STORAGE_PATH is empty)");
        }
        up &= declared(b, config.deployments().readiness(), registry.declared());
        for (DeploymentSnapshot s : registry.snapshots()) {
            b.withData("deployment." + s.deploymentId(), s.status().wireName());
        }
        return b.status(up).build();
    }

    /** Whether the declared deployments let the replica take traffic, by the policy; says why in the data. */
    static boolean declared(HealthCheckResponseBuilder b, DeclaredReadiness policy, List<DeploymentSnapshot> declared) {
        if (declared.isEmpty()) {
            return true;
        }
        long completed = declared.stream().filter(s -> s.status() == DeploymentStatus.COMPLETED).count();
        List<DeploymentSnapshot> failed = declared.stream()
                .filter(s -> s.status().isTerminal() && s.status() != DeploymentStatus.COMPLETED).toList();
        boolean ready = switch (policy) {
            case COMPLETED -> completed == declared.size();
            case SETTLED -> completed + failed.size() == declared.size();
        };
        b.withData("declared", completed + " of " + declared.size() + " completed (MODELPORT_DEPLOYMENTS_READINESS="
                + policy.name().toLowerCase(java.util.Locale.ROOT) + ")");
        if (!failed.isEmpty()) {
            b.withData("declared_failed", failed.stream().map(s -> s.deploymentId() + " ("
                    + (s.error() == null ? s.status().wireName() : s.error().code()) + ")").collect(Collectors.joining(", ")));
        }
        return ready;
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

    /** HF_HUB_OFFLINE=1: the cache may be a read-only mount; it must exist and be readable, and is never written. */
    private static boolean readable(HealthCheckResponseBuilder b, String name, String dir) {
        Path p = Path.of(dir);
        boolean ok = Files.isDirectory(p) && Files.isReadable(p);
        b.withData(name, ok ? "readable (HF_HUB_OFFLINE)" : "missing or not readable (HF_HUB_OFFLINE)");
        return ok;
    }
}
