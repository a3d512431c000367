package dev.modelport.lifecycle;

import dev.modelport.hub.DownloadListener;

import java.util.function.Consumer;

/**
 * Turns the hub's byte callbacks into user-facing ticks: one at least every 1 % or 500 ms while
 * bytes move, never more than 10 per second, with a smoothed speed and an ETA.
 */
final class DownloadTicker implements DownloadListener {
    private static final long MIN_GAP_NANOS = 100_000_000L;
    private static final long MAX_GAP_NANOS = 500_000_000L;
    private static final double SPEED_SMOOTHING = 0.3;

    private final String deploymentId;
    private final Consumer<ProgressEvent> sink;
    private final long startNanos = System.nanoTime();
    private long lastTickNanos = startNanos;
    private long lastTickBytes = -1;
    private double speed;

    DownloadTicker(String deploymentId, Consumer<ProgressEvent> sink) {
        this.deploymentId = deploymentId;
        this.sink = sink;
    }

    @Override
    public synchronized void onProgress(String file, long bytesDone, long bytesTotal) {
        long now = System.nanoTime();
        boolean first = lastTickBytes < 0;
        boolean done = bytesDone >= bytesTotal;
        long gap = now - lastTickNanos;
        long moved = bytesDone - Math.max(0, lastTickBytes);
        boolean onePercent = bytesTotal > 0 && moved * 100 >= bytesTotal;
        if (!first && !done && (gap < MIN_GAP_NANOS || (!onePercent && gap < MAX_GAP_NANOS) || moved <= 0)) {
            return;
        }
        if (!first && gap > 0) {
            double instant = moved / (gap / 1e9);
            speed = speed == 0 ? instant : SPEED_SMOOTHING * instant + (1 - SPEED_SMOOTHING) * speed;
        }
        lastTickNanos = now;
        lastTickBytes = bytesDone;
        double fraction = bytesTotal <= 0 ? 1 : Math.min(1.0, (double) bytesDone / bytesTotal);
        DeploymentStatus d = DeploymentStatus.DOWNLOADING;
        double progress = d.startProgress() + fraction * (d.endProgress() - d.startProgress());
        double eta = speed > 0 ? Math.max(0, (bytesTotal - bytesDone) / speed) : (done ? 0 : -1);
        String message = "Downloading " + file + " (" + Sizes.human(bytesDone) + " of " + Sizes.human(bytesTotal) + ")";
        sink.accept(ProgressEvent.download(deploymentId, round(progress), message, file, bytesDone, bytesTotal,
                (long) speed, round(eta)));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
