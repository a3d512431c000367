package dev.modelport.api;

import dev.modelport.config.ModelportConfig;
import dev.modelport.lifecycle.Components;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.DeviceInfo;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.File;
import java.nio.file.Files;

import java.util.List;

/** What this machine offers (wizard step 2): devices, engine, free disk, configured limits. */
@jakarta.ws.rs.Path("/api/v1/system")
@Produces(MediaType.APPLICATION_JSON)
public class SystemResource {

    @Inject
    Components components;
    @Inject
    ModelportConfig config;
    @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
    String version;

    public record Engine(String name, String version) {
    }

    public record Disk(String path, long freeBytes, long totalBytes) {
    }

    public record Limits(double maxModelSizeGb, double maxMemoryPerModelGb, int maxDeployments, int maxBatchSize,
                         int maxBatchDelayMs, int maxQueueSize, long inferenceTimeoutMs, int maxInputChars,
                         int maxInputsPerRequest, long maxBodyBytes, boolean dedicatedPortsEnabled,
                         String deploymentPortRange, String defaultDevice, int torchNumThreads) {
    }

    /**
     * @param supportedModelTypes config.json {@code model_type} values the runtime runs (the families, in short)
     * @param supportedArchitectures every config.json {@code architectures} class name it runs
     */
    public record SystemInfo(String version, List<DeviceInfo> devices, Engine engine, Disk disk, Limits limits,
                             boolean apiKeyRequired, boolean offline, List<String> supportedModelTypes,
                             List<String> supportedArchitectures) {
    }

    @GET
    @RunOnVirtualThread
    public SystemInfo system() {
        ModelportConfig.Serving s = config.serving();
        ModelportConfig.Limits l = config.limits();
        Limits limits = new Limits(l.maxModelSizeGb(), l.maxMemoryPerModelGb(), l.maxDeployments(), s.maxBatchSize(),
                s.maxBatchDelayMs(), s.maxQueueSize(), s.inferenceTimeoutMs(), l.maxInputChars(), l.maxInputsPerRequest(),
                l.maxBodyBytes(), s.dedicatedPortsEnabled(), s.deploymentPortRange(), s.defaultDevice(), s.torchNumThreads());
        return new SystemInfo(version, components.runtime().devices(),
                new Engine(components.runtime().engineName(), components.runtime().engineVersion()), disk(), limits,
                config.security().apiKeyEnabled(), config.hub().offline(), Architectures.modelTypes(),
                Architectures.supported());
    }

    private Disk disk() {
        java.nio.file.Path cache = java.nio.file.Path.of(config.storage().hubCache()).toAbsolutePath();
        java.nio.file.Path existing = cache;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        File f = (existing == null ? java.nio.file.Path.of(".") : existing).toFile();
        return new Disk(config.storage().hubCache(), f.getUsableSpace(), f.getTotalSpace());
    }
}
