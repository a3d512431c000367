package dev.modelport.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One model of a Hub listing, with what the listing tells about running it.
 *
 * @param config the listing's {@code config} (architectures, model_type, auto_map; partial), or the cached
 *     {@code config.json} when {@code fromCache}; null when unknown
 * @param safetensorsParameters parameter counts by safetensors dtype (e.g. {@code F32}), or null when the repo
 *     lists no safetensors weights
 * @param files the repo's files: names only ({@code size} -1) from the Hub, with sizes from the cache
 * @param fromCache whether this entry comes from the local cache (offline) rather than the Hub
 */
public record HubModelSummary(String id, String pipelineTag, String libraryName, long downloads, long likes,
                              boolean gated, List<String> tags, JsonNode config,
                              Map<String, Long> safetensorsParameters, List<RepoFile> files, boolean fromCache) {
}
