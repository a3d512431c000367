package dev.modelport.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.hub.FileSelection;
import dev.modelport.hub.HubModelSummary;
import dev.modelport.hub.HubSearchQuery;
import dev.modelport.hub.ModelInfo;
import dev.modelport.hub.RepoFile;
import dev.modelport.runtime.Architectures;
import dev.modelport.runtime.ModelMemoryEstimator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wizard's model search: the Hub's listing (through {@link dev.modelport.hub.ModelHub#search}, so with
 * HF_TOKEN and offline-aware), kept for {@code HUB_SEARCH_CACHE_SECONDS}, and for each model a "runs here"
 * hint from the checks a deployment makes at {@code validating} that the listing can answer.
 *
 * <p>The listing carries each model's file names, its config's {@code architectures}/{@code model_type}/
 * {@code auto_map} and its safetensors parameter counts by dtype, but not config.json itself. So the hint runs
 * {@link ModelChecks#requireRunnableFiles} on the file names, {@link Architectures#check} on the architecture
 * name, and the download and memory limits on sizes computed from the parameter counts
 * ({@link ModelMemoryEstimator}, dtype auto on a CPU, as the preflight's limit check). What needs config.json's
 * other fields (settings a program does not implement) is checked by the full preflight when the user picks
 * the model. Offline, the cached models are listed and their cached config.json goes through the runtime's
 * own inspection.
 */
@ApplicationScoped
public class HubSearch {
    static final int MAX_LIMIT = 50;
    private static final int MAX_CACHED_QUERIES = 256;

    /** One answer of {@code GET /api/v1/hub/models}. */
    public record Result(String search, String task, String sort, String source, boolean offline, String message,
                         List<Model> models) {
    }

    /**
     * One model with the hint: {@code runsHere} true (every check the listing allows passed), false (one failed:
     * {@code reason}, {@code reasonCode}) or null (the listing does not say enough: {@code reason} says what).
     */
    public record Model(String modelId, String task, String libraryName, long downloads, long likes, boolean gated,
                        String architecture, Long downloadBytes, Long estimatedMemoryBytes, Boolean runsHere,
                        String reason, String reasonCode) {
    }

    private record Key(String search, String task, String sort, int limit) {
    }

    private record Cached(long expiresNanos, List<HubModelSummary> models) {
    }

    private final Map<Key, Cached> cache = new ConcurrentHashMap<>();

    @Inject
    Components components;
    @Inject
    ModelportConfig config;

    public Result search(String search, String task, String sort, int limit) {
        String words = search == null ? "" : search.trim();
        String s = sort == null || sort.isBlank() ? "downloads" : sort;
        int n = Math.max(1, Math.min(MAX_LIMIT, limit));
        List<HubModelSummary> listing = listing(new Key(words.toLowerCase(Locale.ROOT), task, s, n));
        boolean offline = config.hub().offline();
        List<Model> models = listing.stream().map(this::hint).toList();
        String message = offline
                ? "HF_HUB_OFFLINE=1: the Hub is not asked; these are the models already in the local cache."
                : null;
        return new Result(words, task, s, offline ? "cache" : "hub", offline, message, models);
    }

    private List<HubModelSummary> listing(Key key) {
        Duration ttl = Duration.ofSeconds(Math.max(0, config.hub().searchCacheSeconds()));
        long now = System.nanoTime();
        Cached hit = cache.get(key);
        if (hit != null && now - hit.expiresNanos() < 0) {
            return hit.models();
        }
        List<HubModelSummary> models = components.hub().search(new HubSearchQuery(key.search(), key.task(), key.sort(),
                key.limit()));
        if (!ttl.isZero() && !config.hub().offline()) {
            if (cache.size() >= MAX_CACHED_QUERIES) {
                cache.entrySet().removeIf(e -> now - e.getValue().expiresNanos() >= 0);
                if (cache.size() >= MAX_CACHED_QUERIES) {
                    cache.clear();
                }
            }
            cache.put(key, new Cached(now + ttl.toNanos(), models));
        }
        return models;
    }

    Model hint(HubModelSummary m) {
        String architecture = architectureOf(m.config());
        Long download = null;
        Long memory = null;
        try {
            FileSelection selection = null;
            if (m.files() != null) {
                selection = components.hub().selectFiles(new ModelInfo(m.id(), "main", null, m.pipelineTag(),
                        m.libraryName(), m.gated(), m.tags(), m.files()));
                ModelChecks.requireRunnableFiles(selection);
            }
            if (m.fromCache() && m.config() != null && selection != null) {
                // offline: the cached config.json, inspected by the runtime exactly as at validating
                components.runtime().inspect(cachedConfig(m));
            } else if (architecture != null) {
                Architectures.check(architecture, m.config().path("model_type").asText(""), m.config().has("auto_map"));
            }
            long weights = -1;
            JsonNode dtypeConfig = m.config();
            if (m.fromCache() && selection != null) {
                weights = selection.selected().stream().filter(f -> ModelChecks.isWeights(f.path()))
                        .mapToLong(RepoFile::size).sum();
                download = selection.totalBytes();
            } else if (m.safetensorsParameters() != null && !m.safetensorsParameters().isEmpty()) {
                weights = safetensorsBytes(m.safetensorsParameters());
                download = weights;
                dtypeConfig = dtypeOf(m.safetensorsParameters());
            }
            if (download != null) {
                ModelChecks.requireDownloadWithinLimit(download, config.limits().maxModelSizeGb());
            }
            if (weights >= 0) {
                memory = ModelMemoryEstimator.weightBytes(weights, dtypeConfig, "auto", false);
                ModelChecks.requireMemoryWithinLimit(memory, config.limits().maxMemoryPerModelGb());
            }
            // in the preflight's order: files, architecture, limits, then the tokenizer
            if (selection != null && !Preflight.hasTokenizer(selection)) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, Preflight.NO_TOKENIZER);
            }
            if (architecture == null) {
                return model(m, null, download, memory, null,
                        "The Hub listing does not name its architecture; picking it reads config.json", null);
            }
            if (selection == null) {
                return model(m, architecture, download, memory, null,
                        "The Hub listing does not show its files; picking it checks them", null);
            }
            return model(m, architecture, download, memory, true, null, null);
        } catch (ModelportException e) {
            return model(m, architecture, download, memory, false, ModelChecks.shortReason(e.getMessage()), e.code().name());
        }
    }

    private java.nio.file.Path cachedConfig(HubModelSummary m) {
        ModelInfo info = components.hub().modelInfo(m.id(), "main");
        return components.hub().fetchFile(info, "config.json");
    }

    private static Model model(HubModelSummary m, String architecture, Long download, Long memory, Boolean runs,
                               String reason, String code) {
        return new Model(m.id(), m.pipelineTag(), m.libraryName(), m.downloads(), m.likes(), m.gated(), architecture,
                download, memory, runs, reason, code);
    }

    private static String architectureOf(JsonNode config) {
        JsonNode a = config == null ? null : config.path("architectures");
        return a != null && a.isArray() && !a.isEmpty() && a.get(0).isTextual() ? a.get(0).asText() : null;
    }

    /** The weights' bytes from the Hub's parameter counts per safetensors dtype. */
    static long safetensorsBytes(Map<String, Long> parameters) {
        long bytes = 0;
        for (var e : parameters.entrySet()) {
            bytes += e.getValue() * bytesPer(e.getKey());
        }
        return bytes;
    }

    private static int bytesPer(String dtype) {
        String d = dtype.toUpperCase(Locale.ROOT);
        if (d.startsWith("F64") || d.startsWith("I64") || d.startsWith("U64")) {
            return 8;
        }
        if (d.startsWith("F32") || d.startsWith("I32") || d.startsWith("U32")) {
            return 4;
        }
        if (d.startsWith("F16") || d.startsWith("BF16") || d.startsWith("I16") || d.startsWith("U16")) {
            return 2;
        }
        return 1;
    }

    /** A config naming the dtype most of the parameters are stored in, for the memory estimate. */
    private static JsonNode dtypeOf(Map<String, Long> parameters) {
        String top = parameters.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("F32");
        String name = switch (top.toUpperCase(Locale.ROOT)) {
            case "BF16" -> "bfloat16";
            case "F16" -> "float16";
            default -> "float32";
        };
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("torch_dtype", name);
        return c;
    }
}
