package dev.modelport.lifecycle;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.Cancellation;
import dev.modelport.runtime.QuantizationError;
import io.smallrye.mutiny.Multi;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * One deployment's mutable state and the only place its status changes. Every change is checked
 * against {@link DeploymentStatus#canMoveTo}, emitted as a {@link ProgressEvent}, and handed to the
 * persistence listener.
 */
public final class Deployment {
    private final String id;
    private final DeploymentRequest request;
    private final Instant createdAt;
    private final ProgressStream stream = new ProgressStream();
    private final Cancellation cancellation = new Cancellation();
    private final Consumer<DeploymentSnapshot> onStateChange;
    private final boolean declared;

    private DeploymentStatus status = DeploymentStatus.INITIALIZING;
    private double progress;
    private String message = "Deployment accepted";
    private ErrorInfo error;
    private String commit;
    private String task;
    private String architecture;
    private String device;
    private String dtype;
    private String dtypeReason;
    private QuantizationError quantizationError;
    private List<FileEntry> files = List.of();
    private long memoryBytes;
    private Integer port;
    private Instant updatedAt;

    Deployment(DeploymentRequest request, Instant createdAt, Consumer<DeploymentSnapshot> onStateChange) {
        this(request, createdAt, onStateChange, false);
    }

    /** @param declared from MODELPORT_DEPLOYMENTS(_FILE): the configuration owns it, not the API */
    Deployment(DeploymentRequest request, Instant createdAt, Consumer<DeploymentSnapshot> onStateChange, boolean declared) {
        this.declared = declared;
        this.id = request.deploymentId();
        this.request = request;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.onStateChange = onStateChange;
    }

    /** Rebuilds a deployment from metadata.json, keeping the facts learnt before the restart. */
    static Deployment restored(DeploymentSnapshot saved, Consumer<DeploymentSnapshot> onStateChange) {
        Deployment d = new Deployment(saved.request(), saved.createdAt(), onStateChange);
        d.commit = saved.commit();
        d.task = saved.task();
        d.architecture = saved.architecture();
        d.device = saved.device();
        d.dtype = saved.dtype();
        d.dtypeReason = saved.dtypeReason();
        d.quantizationError = saved.quantizationError();
        d.files = saved.files() == null ? List.of() : saved.files();
        if (saved.status().isTerminal()) {
            d.status = saved.status();
            d.progress = saved.progress();
            d.message = saved.message();
            d.error = saved.error();
        }
        return d;
    }

    public String id() {
        return id;
    }

    public DeploymentRequest request() {
        return request;
    }

    /** Deployed from the configuration (MODELPORT_DEPLOYMENTS): not persisted, not removable through the API. */
    public boolean declared() {
        return declared;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    public synchronized DeploymentStatus status() {
        return status;
    }

    /** The latest event at once, then each new one; completes after the terminal one. */
    public Multi<ProgressEvent> events() {
        return stream.events();
    }

    /**
     * The deployment's event history (stage changes and the latest download tick of each file, in order;
     * see {@link ProgressStream}), then each new event; completes after the terminal one.
     */
    public Multi<ProgressEvent> eventsWithHistory() {
        return stream.withHistory();
    }

    public ProgressEvent latestEvent() {
        return stream.latest();
    }

    /** Emits the initial event; called once the deployment is registered. */
    void announce() {
        stream.emit(ProgressEvent.stage(id, status, progress, message, error));
    }

    /**
     * Moves to a stage. Throws CANCELLED if the user cancelled meanwhile, so the runner stops; an
     * illegal transition is a programming error.
     */
    void advance(DeploymentStatus to, String newMessage) {
        DeploymentSnapshot snap;
        synchronized (this) {
            if (cancellation.isCancelled() || status.isTerminal()) {
                throw new ModelportException(ErrorCode.CANCELLED, "Deployment " + id + " was cancelled");
            }
            move(to, Math.max(progress, to.startProgress()), newMessage, null);
            snap = snapshot();
        }
        onStateChange.accept(snap);
    }

    /** A progress update within the current stage (download ticks); never moves backwards. */
    void tick(ProgressEvent event) {
        synchronized (this) {
            if (status != DeploymentStatus.DOWNLOADING || cancellation.isCancelled()) {
                return;
            }
            progress = Math.max(progress, event.progress());
            message = event.message();
            updatedAt = event.timestamp();
            stream.emit(new ProgressEvent(id, event.status(), progress, event.timestamp(), event.message(), event.file(),
                    event.bytesDone(), event.bytesTotal(), event.speedBytesPerS(), event.etaS(), null));
        }
    }

    /** Marks the deployment failed unless it already ended. Returns whether it changed. */
    boolean fail(ErrorCode code, String why) {
        DeploymentSnapshot snap;
        synchronized (this) {
            if (status.isTerminal()) {
                return false;
            }
            move(DeploymentStatus.FAILED, progress, "Failed: " + why, new ErrorInfo(code.name(), why));
            snap = snapshot();
        }
        onStateChange.accept(snap);
        return true;
    }

    /** Cancels a deployment in progress, or stops a completed one. Returns the status it ended in. */
    DeploymentStatus end() {
        DeploymentSnapshot snap;
        synchronized (this) {
            cancellation.cancel();
            if (status.isTerminal()) {
                return status;
            }
            if (status == DeploymentStatus.COMPLETED) {
                move(DeploymentStatus.STOPPED, progress, "Undeployed", null);
            } else {
                move(DeploymentStatus.CANCELLED, progress, "Cancelled at " + status.wireName(), null);
            }
            snap = snapshot();
        }
        onStateChange.accept(snap);
        return snap.status();
    }

    private void move(DeploymentStatus to, double newProgress, String newMessage, ErrorInfo newError) {
        if (!status.canMoveTo(to)) {
            throw new IllegalStateException("Illegal transition " + status + " -> " + to + " for " + id);
        }
        status = to;
        progress = to == DeploymentStatus.COMPLETED ? 100 : newProgress;
        message = newMessage;
        error = newError;
        updatedAt = Instant.now();
        stream.emit(ProgressEvent.stage(id, status, progress, message, error));
    }

    synchronized void recordArchitecture(String commit, String architecture) {
        this.commit = commit;
        this.architecture = architecture;
    }

    synchronized void recordValidation(String commit, String task, String architecture, List<FileEntry> files) {
        this.commit = commit;
        this.task = task;
        this.architecture = architecture;
        this.files = List.copyOf(files);
    }

    synchronized void recordLoad(String device, String dtype, String dtypeReason, long memoryBytes) {
        this.device = device;
        this.dtype = dtype;
        this.dtypeReason = dtypeReason;
        this.memoryBytes = memoryBytes;
    }

    /** An int8 model's error against float32 and its memory once the float32 weights are gone. */
    synchronized void recordQuantization(QuantizationError error, long memoryBytes) {
        this.quantizationError = error;
        this.memoryBytes = memoryBytes;
    }

    synchronized void recordPort(Integer port) {
        this.port = port;
    }

    public synchronized DeploymentSnapshot snapshot() {
        return new DeploymentSnapshot(id, request, request.revision(), commit, task, architecture, device, dtype,
                dtypeReason, quantizationError,
                status, progress, message, error, files, memoryBytes, port, createdAt, updatedAt, declared);
    }
}
