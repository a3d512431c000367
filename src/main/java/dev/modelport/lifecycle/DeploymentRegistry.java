package dev.modelport.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.serving.ModelServer;
import io.micrometer.core.instrument.Counter;
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

/** All deployments of this process: create, find, end, restore after a restart. */
@ApplicationScoped
public class DeploymentRegistry {
    private static final Logger LOG = Logger.getLogger(DeploymentRegistry.class);

    private final Map<String, Entry> deployments = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("deployment-", 0).factory());
    private final ModelportConfig config;
    private final Components components;
    private final ModelServer server;
    private final MetadataStore store;
    private final Counter downloadBytes;
    private volatile boolean closing;

    private record Entry(Deployment deployment, DeploymentRunner.Loaded loaded) {
    }

    @Inject
    public DeploymentRegistry(ModelportConfig config, Components components, ModelServer server, ObjectMapper json,
                              MeterRegistry meters) {
        this.config = config;
        this.components = components;
        this.server = server;
        this.store = new MetadataStore(Path.of(config.storage().modelStoragePath()), json);
        this.downloadBytes = Counter.builder("modelport.download.bytes").baseUnit("bytes")
                .description("Bytes downloaded from the hub").register(meters);
        for (DeploymentStatus s : DeploymentStatus.values()) {
            Gauge.builder("modelport.deployments", this, r -> r.count(s)).tag("status", s.wireName())
                    .description("Deployments by status").register(meters);
        }
    }

    /** Accepts a deployment and starts it; throws DEPLOYMENT_EXISTS or TOO_MANY_DEPLOYMENTS. */
    public synchronized Deployment deploy(DeploymentRequest request) {
        Entry existing = deployments.get(request.deploymentId());
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

    /** A free id for a default: the slug itself, or slug-2, slug-3, ... */
    public synchronized String freeId(String slug) {
        String id = slug;
        for (int n = 2; deployments.containsKey(id) && !deployments.get(id).deployment().status().isTerminal(); n++) {
            String suffix = "-" + n;
            id = slug.substring(0, Math.min(slug.length(), 63 - suffix.length())) + suffix;
        }
        return id;
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
        boolean wasRunning = !e.deployment().status().isTerminal() && !e.deployment().status().isServing();
        DeploymentStatus ended = e.deployment().end();
        e.loaded().release(server, id);
        if (wasRunning && ended == DeploymentStatus.CANCELLED) {
            return e.deployment().snapshot();
        }
        deployments.remove(id, e);
        store.delete(id);
        return e.deployment().snapshot();
    }

    /** Brings back what metadata.json recorded: completed deployments from the cache, others as they ended. */
    public void restore() {
        for (DeploymentSnapshot saved : store.loadAll()) {
            if (deployments.containsKey(saved.deploymentId()) || saved.request() == null) {
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
        runners.submit(new DeploymentRunner(d, components, server, config, downloadBytes::increment, fromCache, loaded));
    }

    private void persist(DeploymentSnapshot snapshot) {
        // While the service stops, runners fail as their threads are interrupted; metadata keeps the
        // state from before the stop so a restart resumes them instead.
        if (!closing && deployments.containsKey(snapshot.deploymentId())) {
            store.save(snapshot);
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
