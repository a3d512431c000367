package dev.modelport.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.serving.ModelServer;
import dev.modelport.hub.ModelHub;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * All deployments of this process: create, find, end, restore after a restart. Declared deployments
 * (MODELPORT_DEPLOYMENTS) are started by {@link #declare}: their ids are reserved, they are never written
 * to metadata.json and never removed through the API. With MODEL_STORAGE_PATH empty nothing is persisted.
 */
@ApplicationScoped
public class DeploymentRegistry {
    private static final Logger LOG = Logger.getLogger(DeploymentRegistry.class);

    private final Map<String, Entry> deployments = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("deployment-", 0).factory());
    private final ModelportConfig config;
    private final Components components;
    private final ModelServer server;
    /** Empty when MODEL_STORAGE_PATH is empty: no metadata.json anywhere, nothing restored. */
    private final Optional<MetadataStore> store;
    private volatile boolean closing;

    private record Entry(Deployment deployment, DeploymentRunner.Loaded loaded) {
    }

    @Inject
    public DeploymentRegistry(ModelportConfig config, Components components, ModelServer server, ObjectMapper json,
                              MeterRegistry meters) {
        this.config = config;
        this.components = components;
        this.server = server;
        this.store = config.storage().modelStoragePath().filter(p -> !p.isBlank())
                .map(p -> new MetadataStore(Path.of(p), json));
        FunctionCounter.builder("modelport.download.bytes", components.hub(), ModelHub::bytesFetched).baseUnit("bytes")
                .description("File bytes downloaded from the hub by this process (not those found in the cache)").register(meters);
        for (DeploymentStatus s : DeploymentStatus.values()) {
            Gauge.builder("modelport.deployments", this, r -> r.count(s)).tag("status", s.wireName())
                    .description("Deployments by status").register(meters);
        }
    }

    /** Accepts a deployment and starts it; throws DEPLOYMENT_EXISTS or TOO_MANY_DEPLOYMENTS. */
    public synchronized Deployment deploy(DeploymentRequest request) {
        Entry existing = deployments.get(request.deploymentId());
        if (existing != null && existing.deployment().declared()) {
            throw declaredConflict(request.deploymentId(), "cannot be replaced through the API; pick another deployment_id");
        }
        if (existing != null && !existing.deployment().status().isTerminal()) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_EXISTS, "Deployment '" + request.deploymentId()
                    + "' already exists (" + existing.deployment().status().wireName() + "); delete it first or pick another deployment_id");
        }
        long active = deployments.values().stream().filter(e -> !e.deployment().status().isTerminal()).count();
        if (active >= config.limits().maxDeployments()) {
            throw new ModelportException(ErrorCode.TOO_MANY_DEPLOYMENTS, "There are already " + active
                    + " deployments (MAX_DEPLOYMENTS=" + config.limits().maxDeployments() + "); delete one first");
        }
        Deployment d = new Deployment(request, Instant.now(), this::persist);
        start(d, false);
        return d;
    }

    /**
     * Starts the deployments declared in the configuration, before anything is restored. The caller has
     * validated them (ids unique, at most MAX_DEPLOYMENTS); their ids stay reserved whatever becomes of them.
     */
    public synchronized void declare(List<DeploymentRequest> requests) {
        for (DeploymentRequest request : requests) {
            if (deployments.containsKey(request.deploymentId())) {
                throw new IllegalStateException("deployment " + request.deploymentId() + " is declared twice");
            }
            LOG.infof("Deploying declared deployment %s (%s@%s)", request.deploymentId(), request.modelId(),
                    request.revision() == null ? "main" : request.revision());
            start(new Deployment(request, Instant.now(), this::persist, true), false);
        }
    }

    /** Whether deployments are written to MODEL_STORAGE_PATH (it is not empty). */
    public boolean persistent() {
        return store.isPresent();
    }

    /** The declared deployments' current states, in declaration order of their creation. */
    public List<DeploymentSnapshot> declared() {
        return list().stream().filter(Deployment::declared).map(Deployment::snapshot).toList();
    }

    /** A free id for a default: the slug itself, or slug-2, slug-3, ... (declared ids are never free). */
    public synchronized String freeId(String slug) {
        String id = slug;
        for (int n = 2; taken(id); n++) {
            String suffix = "-" + n;
            id = slug.substring(0, Math.min(slug.length(), 63 - suffix.length())) + suffix;
        }
        return id;
    }

    private boolean taken(String id) {
        Entry e = deployments.get(id);
        return e != null && (e.deployment().declared() || !e.deployment().status().isTerminal());
    }

    private static ModelportException declaredConflict(String id, String what) {
        return new ModelportException(ErrorCode.DEPLOYMENT_DECLARED, "Deployment '" + id + "' is declared in the"
                + " service's configuration (MODELPORT_DEPLOYMENTS or MODELPORT_DEPLOYMENTS_FILE) and " + what
                + "; change that setting and restart the service instead");
    }

    public Optional<Deployment> find(String id) {
        return Optional.ofNullable(deployments.get(id)).map(Entry::deployment);
    }

    public List<Deployment> list() {
        return deployments.values().stream().map(Entry::deployment)
                .sorted(Comparator.comparing((Deployment d) -> d.snapshot().createdAt())).toList();
    }

    /**
     * Cancels a deployment in progress or undeploys a completed one: its download stops (the partial
     * blob stays for a resume), its memory and port are freed, the cache is kept. Returns its last state.
     *
     * <p>A deployment cancelled here stays listed as {@code cancelled}, as a failed one stays listed as
     * {@code failed}, so both say how they ended; deleting an ended (failed, cancelled) one removes it, and
     * an undeployed (stopped) one is removed at once.
     */
    public DeploymentSnapshot remove(String id) {
        Entry e = deployments.get(id);
        if (e == null) {
            throw new ModelportException(ErrorCode.DEPLOYMENT_NOT_FOUND, "No deployment '" + id + "'");
        }
        if (e.deployment().declared()) {
            throw declaredConflict(id, "cannot be deleted through the API");
        }
        boolean wasRunning = !e.deployment().status().isTerminal() && !e.deployment().status().isServing();
        DeploymentStatus ended = e.deployment().end();
        e.loaded().release(server, id);
        if (wasRunning && ended == DeploymentStatus.CANCELLED) {
            return e.deployment().snapshot();
        }
        deployments.remove(id, e);
        store.ifPresent(s -> s.delete(id));
        return e.deployment().snapshot();
    }

    /** Brings back what metadata.json recorded: completed deployments from the cache, others as they ended. */
    public void restore() {
        if (store.isEmpty()) {
            return;
        }
        for (DeploymentSnapshot saved : store.get().loadAll()) {
            if (saved.request() == null) {
                continue;
            }
            Entry there = deployments.get(saved.deploymentId());
            if (there != null) {
                if (there.deployment().declared()) {
                    LOG.warnf("Not restoring deployment %s from metadata.json: that id is declared in the configuration",
                            saved.deploymentId());
                }
                continue;
            }
            Deployment d = Deployment.restored(saved, this::persist);
            if (saved.status().isTerminal()) {
                deployments.put(d.id(), new Entry(d, new DeploymentRunner.Loaded()));
                d.announce();
                continue;
            }
            // Completed ones come back from the cache alone; ones caught mid-flight start over, and
            // their downloads resume from the partial blobs.
            LOG.infof("Restoring deployment %s (%s)", d.id(), saved.status().wireName());
            start(d, saved.status() == DeploymentStatus.COMPLETED);
        }
    }

    private void start(Deployment d, boolean fromCache) {
        DeploymentRunner.Loaded loaded = new DeploymentRunner.Loaded();
        deployments.put(d.id(), new Entry(d, loaded));
        d.announce();
        persist(d.snapshot());
        runners.submit(new DeploymentRunner(d, components, server, config, fromCache, loaded));
    }

    private void persist(DeploymentSnapshot snapshot) {
        // While the service stops, runners fail as their threads are interrupted; metadata keeps the
        // state from before the stop so a restart resumes them instead.
        if (!closing && !snapshot.declared() && store.isPresent() && deployments.containsKey(snapshot.deploymentId())) {
            store.get().save(snapshot);
        }
    }

    private long count(DeploymentStatus status) {
        return deployments.values().stream().filter(e -> e.deployment().status() == status).count();
    }

    public Collection<DeploymentSnapshot> snapshots() {
        return list().stream().map(Deployment::snapshot).toList();
    }

    @PreDestroy
    void shutdown() {
        // Keep metadata as it is: a stop is not an undeploy, and restore brings completed ones back.
        closing = true;
        runners.shutdownNow();
        deployments.forEach((id, e) -> e.loaded().release(server, id));
    }
}
