package dev.modelport.hub;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The hub client's settings, taken from the service configuration.
 *
 * @param token HF_TOKEN, or null
 * @param downloadTimeout limit for one {@link ModelHub#download} call as a whole
 * @param stallTimeout a connection that delivers no byte for this long is dropped and retried
 * @param retries attempts per file after the first
 * @param parallelism files fetched at once by one download call
 */
public record HubSettings(String endpoint, String token, boolean offline, Path cacheDir, Duration downloadTimeout,
                          Duration stallTimeout, int retries, int parallelism) {
}
