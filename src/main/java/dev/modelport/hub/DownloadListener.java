package dev.modelport.hub;

/**
 * Told of bytes as they land, across all files of one download call. Called from download threads,
 * possibly very often; throttling ticks for users is the caller's job.
 */
@FunctionalInterface
public interface DownloadListener {
    /**
     * @param file the file the latest bytes belong to
     * @param bytesDone bytes present for all files of the call, including ones already cached or resumed
     * @param bytesTotal sum of the sizes of all files of the call
     */
    void onProgress(String file, long bytesDone, long bytesTotal);
}
