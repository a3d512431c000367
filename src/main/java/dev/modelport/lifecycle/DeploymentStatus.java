package dev.modelport.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The lifecycle of DESIGN.md. Each stage owns a progress band [start, end]; the allowed next
 * statuses are the whole state machine, so {@link #canMoveTo} is the only place transitions are decided.
 */
public enum DeploymentStatus {
    INITIALIZING(0, 0),
    VALIDATING(10, 10),
    DOWNLOADING(15, 55),
    LOADING(55, 60),
    CREATING(60, 75),
    STARTING(75, 85),
    COMPLETED(100, 100),
    FAILED(-1, -1),
    CANCELLED(-1, -1),
    STOPPED(-1, -1);

    private final double start;
    private final double end;

    DeploymentStatus(double start, double end) {
        this.start = start;
        this.end = end;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static DeploymentStatus fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Progress when the stage begins; terminal statuses keep the progress they were reached at. */
    public double startProgress() {
        return start;
    }

    public double endProgress() {
        return end;
    }

    /** Failed, cancelled or stopped: nothing happens to the deployment any more. */
    public boolean isTerminal() {
        return this == FAILED || this == CANCELLED || this == STOPPED;
    }

    /** Ready to serve (not terminal, but the end of the road for a healthy deployment). */
    public boolean isServing() {
        return this == COMPLETED;
    }

    public Set<DeploymentStatus> next() {
        return switch (this) {
            case INITIALIZING -> EnumSet.of(VALIDATING, FAILED, CANCELLED);
            case VALIDATING -> EnumSet.of(DOWNLOADING, FAILED, CANCELLED);
            case DOWNLOADING -> EnumSet.of(LOADING, FAILED, CANCELLED);
            case LOADING -> EnumSet.of(CREATING, FAILED, CANCELLED);
            case CREATING -> EnumSet.of(STARTING, FAILED, CANCELLED);
            case STARTING -> EnumSet.of(COMPLETED, FAILED, CANCELLED);
            case COMPLETED -> EnumSet.of(STOPPED, FAILED);
            case FAILED, CANCELLED, STOPPED -> EnumSet.noneOf(DeploymentStatus.class);
        };
    }

    public boolean canMoveTo(DeploymentStatus to) {
        return next().contains(to);
    }
}
