package dev.modelport.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Hub's JSON API: model info at a revision, completed from the tree listing where sizes are missing. */
final class HubApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HttpClient http;
    private final HubSettings settings;
    private final String endpoint;
    private final Duration requestTimeout;

    HubApi(HttpClient http, HubSettings settings, String endpoint) {
        this.http = http;
        this.settings = settings;
        this.endpoint = endpoint;
        Duration stall = settings.stallTimeout();
        this.requestTimeout = stall.compareTo(Duration.ofSeconds(30)) > 0 ? stall : Duration.ofSeconds(30);
    }

    ModelInfo modelInfo(String repoId, String revision) {
        return modelInfo(repoId, revision, settings.retries());
    }

    /** @param retries attempts after the first on connection errors, 5xx and 429 */
    ModelInfo modelInfo(String repoId, String revision, int retries) {
        JsonNode info = getJson(endpoint + "/api/models/" + repoPath(repoId) + "/revision/" + encode(revision) + "?blobs=true",
                repoId, revision, retries);
        String commit = info.path("sha").asText("");
        if (!HubCache.isCommit(commit)) {
            throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub's answer for '" + repoId + "' lacks a commit id.");
        }
        List<RepoFile> files = new ArrayList<>();
        boolean incomplete = false;
        for (JsonNode s : info.path("siblings")) {
            RepoFile f = new RepoFile(s.path("rfilename").asText(), s.path("size").asLong(-1),
                    text(s.path("lfs").path("sha256")), text(s.path("blobId")));
            incomplete |= f.size() < 0 || (f.sha256() == null && f.blobId() == null);
            files.add(f);
        }
        if (incomplete) {
            files = completeFromTree(repoId, revision, commit, files, retries);
        }
        List<String> tags = new ArrayList<>();
        info.path("tags").forEach(t -> tags.add(t.asText()));
        JsonNode gated = info.path("gated");
        boolean isGated = gated.isBoolean() ? gated.asBoolean() : gated.isTextual() && !gated.asText().equalsIgnoreCase("false");
        return new ModelInfo(repoId, revision, commit, text(info.path("pipeline_tag")), text(info.path("library_name")),
                isGated, List.copyOf(tags), List.copyOf(files));
    }

    /** What the listing is asked to include; with {@code expand} the Hub sends only these (plus the id). */
    private static final List<String> SEARCH_FIELDS = List.of("downloads", "likes", "pipeline_tag", "library_name", "tags",
            "gated", "config", "safetensors", "siblings");

    /**
     * {@code GET /api/models?search=&filter=&sort=&direction=-1&limit=&expand=...}, as huggingface_hub's
     * {@code list_models} asks it: the listing with the config (architectures), safetensors parameter
     * counts and file names of each model.
     */
    List<HubModelSummary> search(HubSearchQuery q) {
        StringBuilder url = new StringBuilder(endpoint).append("/api/models?search=").append(encode(q.search()));
        if (q.task() != null && !q.task().isBlank()) {
            url.append("&filter=").append(encode(q.task()));
        }
        String sort = switch (q.sort() == null ? "downloads" : q.sort()) {
            case "likes" -> "likes";
            case "trending" -> "trendingScore";
            default -> "downloads";
        };
        url.append("&sort=").append(sort).append("&direction=-1&limit=").append(q.limit());
        SEARCH_FIELDS.forEach(f -> url.append("&expand=").append(f));
        JsonNode list = parse(get(url.toString(), "the model search", null, settings.retries()).body(), "the model search");
        if (!list.isArray()) {
            throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub's model search answer is not a list.");
        }
        List<HubModelSummary> out = new ArrayList<>();
        for (JsonNode m : list) {
            String id = m.hasNonNull("id") ? m.get("id").asText() : m.path("modelId").asText("");
            if (id.isEmpty()) {
                continue;
            }
            List<String> tags = new ArrayList<>();
            m.path("tags").forEach(t -> tags.add(t.asText()));
            Map<String, Long> parameters = null;
            JsonNode st = m.path("safetensors").path("parameters");
            if (st.isObject()) {
                parameters = new LinkedHashMap<>();
                for (var it = st.properties().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    parameters.put(e.getKey(), e.getValue().asLong());
                }
            }
            List<RepoFile> files = null;
            if (m.path("siblings").isArray()) {
                files = new ArrayList<>();
                for (JsonNode s : m.path("siblings")) {
                    files.add(new RepoFile(s.path("rfilename").asText(), s.path("size").asLong(-1), null, null));
                }
            }
            JsonNode gated = m.path("gated");
            boolean isGated = gated.isBoolean() ? gated.asBoolean() : gated.isTextual() && !gated.asText().equalsIgnoreCase("false");
            JsonNode config = m.path("config");
            out.add(new HubModelSummary(id, text(m.path("pipeline_tag")), text(m.path("library_name")),
                    m.path("downloads").asLong(0), m.path("likes").asLong(0), isGated, List.copyOf(tags),
                    config.isObject() ? config : null, parameters, files == null ? null : List.copyOf(files), false));
        }
        return out;
    }

    /** Fills sizes and ids from {@code /tree/{commit}?recursive=true}, following its pages. */
    private List<RepoFile> completeFromTree(String repoId, String revision, String commit, List<RepoFile> files, int retries) {
        Map<String, RepoFile> byPath = new HashMap<>();
        String url = endpoint + "/api/models/" + repoPath(repoId) + "/tree/" + commit + "?recursive=true";
        while (url != null) {
            HttpResponse<byte[]> r = get(url, repoId, revision, retries);
            for (JsonNode e : parse(r.body(), repoId)) {
                if (e.path("type").asText().equals("file")) {
                    String p = e.path("path").asText();
                    byPath.put(p, new RepoFile(p, e.path("size").asLong(-1), text(e.path("lfs").path("oid")), text(e.path("oid"))));
                }
            }
            url = r.headers().firstValue("Link").map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> URI.create(endpoint + "/").resolve(m.group(1)).toString()).orElse(null);
        }
        List<RepoFile> out = new ArrayList<>();
        for (RepoFile f : files) {
            RepoFile t = byPath.get(f.path());
            out.add(t == null ? f : new RepoFile(f.path(), f.size() >= 0 ? f.size() : t.size(),
                    f.sha256() != null ? f.sha256() : t.sha256(), f.blobId() != null ? f.blobId() : t.blobId()));
        }
        return out;
    }

    private JsonNode getJson(String url, String repoId, String revision, int retries) {
        return parse(get(url, repoId, revision, retries).body(), repoId);
    }

    private static JsonNode parse(byte[] body, String repoId) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub's answer for '" + repoId + "' is not valid JSON.", e);
        }
    }

    /**
     * GET with retries on connection errors, 5xx and 429 (honouring Retry-After); other errors mapped at once,
     * as the errors of repo {@code repoId} at {@code revision}, or as HUB_UNAVAILABLE when {@code revision} is null.
     */
    private HttpResponse<byte[]> get(String url, String repoId, String revision, int retries) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).header("Accept", "application/json");
        if (settings.token() != null && !settings.token().isBlank()) {
            b.header("Authorization", "Bearer " + settings.token());
        }
        HttpRequest req = b.GET().build();
        for (int failures = 1; ; failures++) {
            HttpResponse<byte[]> r;
            try {
                r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (failures > retries) {
                    throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub at " + endpoint + " cannot be reached ("
                            + HubErrors.describe(e) + ") after " + failures + " attempts.", e);
                }
                pause(Backoff.delay(failures));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelportException(ErrorCode.CANCELLED, "Interrupted while asking the Hub about '" + repoId + "'.");
            }
            if (r.statusCode() == 200) {
                return r;
            }
            if (Backoff.retryable(r.statusCode()) && failures <= retries) {
                pause(Backoff.delay(failures, r.headers()));
                continue;
            }
            if (Backoff.retryable(r.statusCode())) {
                throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub at " + endpoint + " answered HTTP "
                        + r.statusCode() + " for '" + repoId + "' after " + failures + " attempts.");
            }
            if (revision == null) {
                // not about one repo (the model search): no repo error to name
                throw new ModelportException(ErrorCode.HUB_UNAVAILABLE, "The Hub at " + endpoint + " answered HTTP "
                        + r.statusCode() + " to " + repoId + (r.statusCode() == 401 && hasToken() ? "; check HF_TOKEN" : ""));
            }
            throw HubErrors.fromResponse(r.statusCode(), r.headers(), endpoint, repoId, revision, null, hasToken());
        }
    }

    private boolean hasToken() {
        return settings.token() != null && !settings.token().isBlank();
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelportException(ErrorCode.CANCELLED, "Interrupted while waiting to retry the Hub.");
        }
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n.asText();
    }

    static String repoPath(String repoId) {
        int slash = repoId.indexOf('/');
        return encode(repoId.substring(0, slash)) + "/" + encode(repoId.substring(slash + 1));
    }

    /** One URL path segment; revisions such as refs/pr/1 keep their slash encoded, as huggingface_hub does. */
    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A repo file path in a URL: each segment encoded, slashes kept. */
    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (String s : path.split("/", -1)) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(encode(s));
        }
        return sb.toString();
    }
}
