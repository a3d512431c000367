package dev.modelport.hub;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums the bytes present over all files of one download call and tells the listener, never going
 * backwards (a file that restarts from zero counts at its best so far) and one call at a time.
 */
final class ProgressTally {
    private static final System.Logger LOG = System.getLogger(ProgressTally.class.getName());

    private final DownloadListener listener;
    private final Map<String, Long> sizes = new HashMap<>();
    private final Map<String, Long> counted = new HashMap<>();
    private final long total;
    private long done;

    ProgressTally(List<RepoFile> files, DownloadListener listener) {
        this.listener = listener;
        long sum = 0;
        for (RepoFile f : files) {
            sizes.put(f.path(), f.size());
            sum += f.size();
        }
        this.total = sum;
    }

    synchronized void present(String path, long bytes) {
        long now = Math.min(bytes, sizes.getOrDefault(path, 0L));
        long before = counted.getOrDefault(path, 0L);
        if (now <= before) {
            return;
        }
        counted.put(path, now);
        done += now - before;
        try {
            listener.onProgress(path, done, total);
        } catch (RuntimeException e) {
            // a broken listener must not break the download
            LOG.log(System.Logger.Level.WARNING, "download listener failed", e);
        }
    }
}
