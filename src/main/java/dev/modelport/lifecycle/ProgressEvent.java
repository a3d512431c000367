package dev.modelport.lifecycle;

import java.time.Instant;

/**
 * One state change or download tick, as sent over the WebSocket (snake_case on the wire). Download
 * fields are null outside the downloading stage.
 */
public record ProgressEvent(String deploymentId, String status, double progress, Instant timestamp, String message,
                            String file, Long bytesDone, Long bytesTotal, Long speedBytesPerS, Double etaS,
                            ErrorInfo error) {

    static ProgressEvent stage(String id, DeploymentStatus status, double progress, String message, ErrorInfo error) {
        return new ProgressEvent(id, status.wireName(), progress, Instant.now(), message, null, null, null, null, null, error);
    }

    static ProgressEvent download(String id, double progress, String message, String file, long done, long total,
                                  long speed, double eta) {
        return new ProgressEvent(id, DeploymentStatus.DOWNLOADING.wireName(), progress, Instant.now(), message, file,
                done, total, speed, eta, null);
    }

    /** Completed, failed, cancelled or stopped: the last event a WebSocket client gets. */
    public boolean endsStream() {
        DeploymentStatus s = DeploymentStatus.fromWire(status);
        return s.isTerminal() || s.isServing();
    }
}
