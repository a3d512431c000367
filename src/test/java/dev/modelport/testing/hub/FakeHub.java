package dev.modelport.testing.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.testing.hub.FakeHubRepos.FileMeta;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, speaking what shared/contract/hub.py speaks:
 * {@code /api/models/{id}[/revision/{rev}][?blobs=true]}, {@code /api/models/{id}/tree/{rev}[/{dir}][?recursive=true]},
 * {@code GET|HEAD /{id}/resolve/{rev}/{path}} with ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size, a 302 of LFS
 * files to {@code /cdn/{sha256}/{name}?repo=}, Range requests, gated repos (Bearer token) and X-Error-Code errors.
 * Revisions: {@code main}, the commit sha and refs added with {@link #addRef}.
 *
 * <p>A plain-socket HTTP/1.1 server so faults can act below HTTP: a connection reset or a clean close
 * mid-body, a stall. Body faults are one-shot and hit the next LFS body (after a Range, counted from its start).
 */
public final class FakeHub implements AutoCloseable {
    /** The token a gated repo accepts unless {@link #token(String)} changes it. */
    public static final String TOKEN = "hf_testtoken";
    /** Files this big are LFS files unless {@link #lfsThreshold(long)} changes it (as hub.py). */
    public static final long DEFAULT_LFS_THRESHOLD = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_CHUNK = 256 * 1024;

    private enum BodyFaultKind { DROP, TRUNCATE, STALL }

    private record BodyFault(BodyFaultKind kind, long afterBytes, Duration stall) {
    }

    private record StatusFault(int status, int retryAfterSeconds) {
    }

    private final FakeHubRepos repos;
    private final ServerSocket server;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> bytesServed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> requestNanos = new ConcurrentHashMap<>();
    private final Set<String> gated = ConcurrentHashMap.newKeySet();
    private final Set<String> wrongSha256 = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> wrongLinkedSize = new ConcurrentHashMap<>();
    private final AtomicInteger activeBodies = new AtomicInteger();
    private final AtomicInteger maxActiveBodies = new AtomicInteger();
    private final AtomicReference<BodyFault> bodyFault = new AtomicReference<>();
    private final AtomicReference<StatusFault> statusFault = new AtomicReference<>();
    private volatile String token = TOKEN;
    private volatile long rateBytesPerSecond;
    private volatile String lfsRedirectBase;
    private volatile boolean redirectSmallFiles;
    private volatile boolean hideBlobs;
    private volatile boolean closed;

    private FakeHub(Path root, int port) throws IOException {
        this.repos = new FakeHubRepos(root, DEFAULT_LFS_THRESHOLD);
        this.server = new ServerSocket(port, 512, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("fake-hub-accept").start(this::acceptLoop);
    }

    /** Serves the repos under {@code root} ({@code root/<org>/<name>/...}) on a free loopback port. */
    public static FakeHub start(Path root) {
        return start(root, 0);
    }

    public static FakeHub start(Path root, int port) {
        try {
            return new FakeHub(root, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java ... FakeHub ROOT [PORT]}: prints the port and serves until killed. Env: HUB_GATED, HUB_TOKEN, HUB_LFS_MIN. */
    public static void main(String[] args) throws InterruptedException {
        FakeHub hub = start(Path.of(args.length > 0 ? args[0] : "."), args.length > 1 ? Integer.parseInt(args[1]) : 0);
        for (String repo : System.getenv().getOrDefault("HUB_GATED", "").split(",")) {
            if (!repo.isBlank()) {
                hub.gate(repo.trim());
            }
        }
        if (System.getenv("HUB_TOKEN") != null) {
            hub.token(System.getenv("HUB_TOKEN"));
        }
        if (System.getenv("HUB_LFS_MIN") != null) {
            hub.lfsThreshold(Long.parseLong(System.getenv("HUB_LFS_MIN")));
        }
        System.out.println(hub.port());
        Thread.currentThread().join();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getLocalPort();
    }

    public Path root() {
        return repos.root();
    }

    // ---- repo setup -------------------------------------------------------------------------

    /** Makes a repo gated: its API and files then need {@code Authorization: Bearer <token>}. */
    public FakeHub gate(String repo) {
        gated.add(repo);
        return this;
    }

    public FakeHub token(String newToken) {
        token = newToken;
        return this;
    }

    /** Adds a tag or branch name that resolves to the repo's one commit. */
    public FakeHub addRef(String repo, String ref) {
        repos.addRef(repo, ref);
        return this;
    }

    /** Files of at least this many bytes are served as LFS files (sha256 etag, redirect to /cdn/). */
    public FakeHub lfsThreshold(long bytes) {
        repos.lfsThreshold(bytes);
        return this;
    }

    /** The commit the repo's revisions resolve to. */
    public String commit(String repo) {
        return repos.commit(repo);
    }

    public String sha256(String repo, String path) {
        return repos.meta(repo, path).sha256();
    }

    // ---- faults -----------------------------------------------------------------------------

    /** The next LFS body is cut (TCP reset) after {@code n} bytes. Once. */
    public FakeHub dropAfterBytes(long n) {
        bodyFault.set(new BodyFault(BodyFaultKind.DROP, n, null));
        return this;
    }

    /** The next LFS body ends cleanly (FIN) after {@code n} bytes although Content-Length promised more. Once. */
    public FakeHub truncateAfterBytes(long n) {
        bodyFault.set(new BodyFault(BodyFaultKind.TRUNCATE, n, null));
        return this;
    }

    /** The next LFS body sends nothing for {@code stall} after {@code n} bytes, then goes on. Once. */
    public FakeHub stallAfterBytes(long n, Duration stall) {
        bodyFault.set(new BodyFault(BodyFaultKind.STALL, n, stall));
        return this;
    }

    /** The next resolve request is answered with this status (a JSON error body). Once. */
    public FakeHub statusOnce(int status) {
        statusFault.set(new StatusFault(status, status == 429 ? 1 : -1));
        return this;
    }

    /** The next resolve request gets {@code 429 Too Many Requests} with {@code Retry-After: seconds}. Once. */
    public FakeHub tooManyRequestsOnce(int retryAfterSeconds) {
        statusFault.set(new StatusFault(429, retryAfterSeconds));
        return this;
    }

    /** Throttles every file body to this rate; 0 turns it off. */
    public FakeHub throttle(long bytesPerSecond) {
        rateBytesPerSecond = bytesPerSecond;
        return this;
    }

    /** The listing and headers advertise a wrong sha256 for this (LFS) file; the body stays right. */
    public FakeHub wrongSha256(String repo, String path) {
        wrongSha256.add(repo + "/" + path);
        return this;
    }

    /** The resolve answer for this file carries this X-Linked-Size (the listing and body stay right). */
    public FakeHub wrongLinkedSize(String repo, String path, long size) {
        wrongLinkedSize.put(repo + "/" + path, size);
        return this;
    }

    /** LFS redirects point at a loopback port nobody listens on, until {@link #clearFaults()}. */
    public FakeHub redirectLfsToDeadHost() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            lfsRedirectBase = "http://127.0.0.1:" + probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Small (non-LFS) files answer with a relative 307 to another path that serves them. */
    public FakeHub redirectSmallFiles(boolean on) {
        redirectSmallFiles = on;
        return this;
    }

    /** Model info ignores {@code ?blobs=true} (no sizes, no sha256), so clients must use the tree listing. */
    public FakeHub hideBlobsInModelInfo(boolean on) {
        hideBlobs = on;
        return this;
    }

    public FakeHub clearFaults() {
        bodyFault.set(null);
        statusFault.set(null);
        rateBytesPerSecond = 0;
        wrongSha256.clear();
        wrongLinkedSize.clear();
        lfsRedirectBase = null;
        redirectSmallFiles = false;
        hideBlobs = false;
        return this;
    }

    // ---- counters ---------------------------------------------------------------------------

    /** Body bytes sent for one repo file, over all requests and paths (resolve, cdn, redirects). */
    public long bytesServed(String repo, String path) {
        AtomicLong n = bytesServed.get(repo + "/" + path);
        return n == null ? 0 : n.get();
    }

    public long totalBytesServed() {
        return bytesServed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Requests seen for one decoded URL path (no query), e.g. {@code /org/name/resolve/main/config.json}. */
    public long requests(String urlPath) {
        AtomicLong n = requests.get(urlPath);
        return n == null ? 0 : n.get();
    }

    /** Resolve requests for one repo file, whatever the revision. */
    public long resolveRequests(String repo, String path) {
        String prefix = "/" + repo + "/resolve/";
        return requests.entrySet().stream()
                .filter(e -> {
                    if (!e.getKey().startsWith(prefix)) {
                        return false;
                    }
                    String rest = e.getKey().substring(prefix.length());
                    int slash = rest.indexOf('/');
                    return slash > 0 && rest.substring(slash + 1).equals(path);
                })
                .mapToLong(e -> e.getValue().get())
                .sum();
    }

    /** When each request for a decoded URL path arrived ({@link System#nanoTime()}), in order. */
    public List<Long> requestTimes(String urlPath) {
        List<Long> times = requestNanos.getOrDefault(urlPath, List.of());
        synchronized (times) {
            return List.copyOf(times);
        }
    }

    /** The most file bodies that were being sent at the same time. */
    public int maxConcurrentBodies() {
        return maxActiveBodies.get();
    }

    public void resetCounters() {
        maxActiveBodies.set(0);
        bytesServed.clear();
        requests.clear();
        requestNanos.clear();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ---- HTTP -------------------------------------------------------------------------------

    private record Request(String method, String path, Map<String, String> query, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean head() {
            return method.equals("HEAD");
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread.ofVirtual().name("fake-hub-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            while (!closed) {
                Request req = readRequest(in);
                if (req == null) {
                    return;
                }
                boolean keepAlive = handle(req, out, socket);
                out.flush();
                if (!keepAlive || "close".equalsIgnoreCase(req.header("Connection"))) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or a fault closed the connection
        } finally {
            connections.remove(socket);
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null || line.isEmpty()) {
            return null;
        }
        String[] parts = line.split(" ");
        if (parts.length < 3) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
        }
        byte[] body = new byte[0];
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        }
        String target = parts[1];
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = new LinkedHashMap<>();
        if (q >= 0) {
            for (String kv : target.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    query.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
                } else if (!kv.isEmpty()) {
                    query.put(decode(kv), "");
                }
            }
        }
        return new Request(parts[0], decode(rawPath.replace("+", "%2B")), query, headers, body);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Answers one request; false when the connection must be closed. */
    private boolean handle(Request req, OutputStream out, Socket socket) throws IOException {
        requests.computeIfAbsent(req.path(), k -> new AtomicLong()).incrementAndGet();
        List<Long> times = requestNanos.computeIfAbsent(req.path(), k -> new ArrayList<>());
        synchronized (times) {
            times.add(System.nanoTime());
        }
        String path = req.path();
        if (path.equals("/_stats")) {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("bytes", snapshot(bytesServed));
            stats.put("requests", snapshot(requests));
            stats.put("faults_armed", bodyFault.get() != null || statusFault.get() != null);
            return json(req, out, 200, stats, Map.of());
        }
        if (path.equals("/_faults") && req.method().equals("POST")) {
            return postFaults(req, out);
        }
        if (path.equals("/api/models") || path.equals("/api/models/")) {
            return json(req, out, 200, listing(req.query()), Map.of());
        }
        if (path.startsWith("/api/models/")) {
            return api(req, out, path.substring("/api/models/".length()));
        }
        if (path.startsWith("/cdn/")) {
            return cdn(req, out, socket, path.substring("/cdn/".length()));
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length >= 5 && parts[0].equals("_moved")) {
            String repo = parts[1] + "/" + parts[2];
            String file = String.join("/", List.of(parts).subList(4, parts.length));
            Path full = repos.isRepo(repo) ? repos.file(repo, file) : null;
            if (full == null) {
                return error(req, out, 404, "EntryNotFound", "Entry not found");
            }
            FileMeta m = repos.meta(repo, file);
            return sendFile(req, out, socket, full, m.size(), Map.of("ETag", quote(m.sha1())), repo + "/" + file, false);
        }
        if (parts.length >= 5 && parts[2].equals("resolve")) {
            return resolve(req, out, socket, parts[0] + "/" + parts[1], parts[3],
                    String.join("/", List.of(parts).subList(4, parts.length)));
        }
        return error(req, out, 404, "EntryNotFound", "not found");
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /**
     * The hub.py fault switch, for scripts and tests in another class loader. Replaces all faults with:
     * {"drop_after_bytes": N, "truncate_after_bytes": N, "stall_after_bytes": N, "stall_ms": M, "status_once": S,
     * "too_many_requests_once": RETRY_AFTER_S, "rate_bps": R, "redirect_lfs_to_dead_host": true,
     * "wrong_sha256": {"repo", "path"}, "wrong_linked_size": {"repo", "path", "size"}}.
     */
    private boolean postFaults(Request req, OutputStream out) throws IOException {
        JsonNode f = JSON.readTree(req.body().length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : req.body());
        clearFaults();
        if (f.has("drop_after_bytes")) {
            dropAfterBytes(f.get("drop_after_bytes").asLong());
        }
        if (f.has("truncate_after_bytes")) {
            truncateAfterBytes(f.get("truncate_after_bytes").asLong());
        }
        if (f.has("stall_after_bytes")) {
            stallAfterBytes(f.get("stall_after_bytes").asLong(), Duration.ofMillis(f.path("stall_ms").asLong(30_000)));
        }
        if (f.has("status_once")) {
            statusOnce(f.get("status_once").asInt());
        }
        if (f.has("too_many_requests_once")) {
            tooManyRequestsOnce(f.get("too_many_requests_once").asInt());
        }
        if (f.has("rate_bps")) {
            throttle(f.get("rate_bps").asLong());
        }
        if (f.path("redirect_lfs_to_dead_host").asBoolean()) {
            redirectLfsToDeadHost();
        }
        if (f.has("wrong_sha256")) {
            wrongSha256(f.get("wrong_sha256").path("repo").asText(), f.get("wrong_sha256").path("path").asText());
        }
        if (f.has("wrong_linked_size")) {
            JsonNode w = f.get("wrong_linked_size");
            wrongLinkedSize(w.path("repo").asText(), w.path("path").asText(), w.path("size").asLong());
        }
        return json(req, out, 200, f, Map.of());
    }

    private boolean authorized(Request req, String repo) {
        return !gated.contains(repo) || ("Bearer " + token).equals(req.header("Authorization"));
    }

    private boolean gatedError(Request req, OutputStream out, String repo) throws IOException {
        return error(req, out, 401, "GatedRepo", "Access to model " + repo
                + " is restricted. You must have access to it and be authenticated to access it.");
    }

    private String advertisedSha256(String repo, String path, FileMeta m) {
        if (!wrongSha256.contains(repo + "/" + path)) {
            return m.sha256();
        }
        return sha256Hex((m.sha256() + "-wrong").getBytes(StandardCharsets.UTF_8));
    }

    private boolean api(Request req, OutputStream out, String rest) throws IOException {
        String[] parts = rest.split("/");
        if (parts.length < 2 || !repos.isRepo(parts[0] + "/" + parts[1])) {
            return error(req, out, 401, "RepoNotFound", "Repository Not Found for url.");
        }
        String repo = parts[0] + "/" + parts[1];
        List<String> tail = List.of(parts).subList(2, parts.length);
        if (!tail.isEmpty() && !authorized(req, repo)) {
            return gatedError(req, out, repo);
        }
        String rev = "main";
        boolean tree = false;
        String prefix = "";
        if (!tail.isEmpty() && tail.get(0).equals("revision")) {
            rev = tail.size() > 1 ? String.join("/", tail.subList(1, tail.size())) : "main";
        } else if (!tail.isEmpty() && tail.get(0).equals("tree")) {
            tree = true;
            rev = tail.size() > 1 ? tail.get(1) : "main";
            prefix = tail.size() > 2 ? String.join("/", tail.subList(2, tail.size())) : "";
        }
        if (!repos.knowsRevision(repo, rev)) {
            return error(req, out, 404, "RevisionNotFound", "Invalid rev id: " + rev);
        }
        if (tree) {
            return json(req, out, 200, treeListing(repo, prefix, isTrue(req.query().get("recursive"))), Map.of());
        }
        return json(req, out, 200, modelInfo(repo, isTrue(req.query().get("blobs")) && !hideBlobs), Map.of());
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
    }

    private List<Map<String, Object>> treeListing(String repo, String prefix, boolean recursive) {
        List<Map<String, Object>> out = new ArrayList<>();
        Set<String> dirs = new java.util.HashSet<>();
        for (String p : repos.files(repo)) {
            if (!prefix.isEmpty() && !p.startsWith(prefix + "/")) {
                continue;
            }
            String rel = prefix.isEmpty() ? p : p.substring(prefix.length() + 1);
            if (rel.contains("/") && !recursive) {
                String d = (prefix.isEmpty() ? "" : prefix + "/") + rel.substring(0, rel.indexOf('/'));
                if (dirs.add(d)) {
                    out.add(entry("type", "directory", "oid", sha1Hex(d), "size", 0, "path", d));
                }
                continue;
            }
            FileMeta m = repos.meta(repo, p);
            Map<String, Object> e = entry("type", "file", "oid", m.sha1(), "size", m.size(), "path", p);
            if (m.lfs()) {
                e.put("lfs", entry("oid", advertisedSha256(repo, p, m), "size", m.size(), "pointerSize", 134));
            }
            out.add(e);
        }
        return out;
    }

    /**
     * {@code GET /api/models?search=&filter=&sort=&direction=-1&limit=}: the Hub's model listing, with what
     * huggingface_hub's {@code expand} asks for (downloads, likes, pipeline_tag, library_name, tags, gated,
     * config, safetensors, siblings). {@code search} matches ids case-insensitively; {@code filter} matches the
     * pipeline tag, the library or a tag; downloads and likes come from {@code .hubmeta.json}; safetensors
     * parameter counts are read from the repo's safetensors headers. Gated repos are listed, as on the Hub.
     */
    private List<Map<String, Object>> listing(Map<String, String> query) throws IOException {
        String search = query.getOrDefault("search", "").toLowerCase(Locale.ROOT);
        String filter = query.get("filter");
        String sort = query.getOrDefault("sort", "downloads");
        int limit = Integer.parseInt(query.getOrDefault("limit", "1000"));
        List<Map<String, Object>> all = new ArrayList<>();
        for (String repo : repos.repos()) {
            if (!repo.toLowerCase(Locale.ROOT).contains(search)) {
                continue;
            }
            Map<String, Object> info = modelInfo(repo, false);
            JsonNode meta = repos.hubMeta(repo) == null ? JSON.createObjectNode() : JSON.readTree(repos.hubMeta(repo));
            List<String> tags = new ArrayList<>();
            meta.path("tags").forEach(t -> tags.add(t.asText()));
            boolean matches = filter == null || filter.isEmpty() || filter.equals(meta.path("pipeline_tag").asText(null))
                    || filter.equals(meta.path("library_name").asText("transformers")) || tags.contains(filter);
            if (!matches) {
                continue;
            }
            Map<String, Object> m = entry("_id", info.get("_id"), "id", repo, "modelId", repo,
                    "likes", info.get("likes"), "downloads", info.get("downloads"),
                    "trendingScore", meta.path("trendingScore").asLong(0), "private", false,
                    "gated", info.get("gated"), "pipeline_tag", info.get("pipeline_tag"),
                    "library_name", info.get("library_name"), "tags", info.get("tags"),
                    "createdAt", info.get("createdAt"), "config", info.get("config"));
            Map<String, Long> parameters = safetensorsParameters(repo);
            if (!parameters.isEmpty()) {
                m.put("safetensors", entry("parameters", parameters, "total",
                        parameters.values().stream().mapToLong(Long::longValue).sum()));
            }
            List<Map<String, Object>> siblings = new ArrayList<>();
            for (String p : repos.files(repo)) {
                siblings.add(entry("rfilename", p));
            }
            m.put("siblings", siblings);
            all.add(m);
        }
        String key = sort.equals("likes") ? "likes" : sort.equals("trendingScore") ? "trendingScore" : "downloads";
        all.sort((a, b) -> {
            int c = Long.compare(((Number) b.get(key)).longValue(), ((Number) a.get(key)).longValue());
            return c != 0 ? c : String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id")));
        });
        if ("1".equals(query.get("direction"))) {
            java.util.Collections.reverse(all);
        }
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** Parameter counts by dtype over the repo's safetensors files, as the Hub's {@code safetensors.parameters}. */
    private Map<String, Long> safetensorsParameters(String repo) throws IOException {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String p : repos.files(repo)) {
            if (!p.endsWith(".safetensors")) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(repos.file(repo, p), StandardOpenOption.READ)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                ch.read(len, 0);
                long n = len.flip().getLong();
                if (n <= 0 || n > Math.min(100_000_000, ch.size() - 8)) {
                    continue; // not a safetensors file (random test bytes): the Hub lists no parameters for it
                }
                ByteBuffer header = ByteBuffer.allocate((int) n);
                ch.read(header, 8);
                JsonNode tensors;
                try {
                    tensors = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    continue;
                }
                for (var it = tensors.properties().iterator(); it.hasNext(); ) {
                    var t = it.next();
                    if (t.getKey().equals("__metadata__")) {
                        continue;
                    }
                    long count = 1;
                    for (JsonNode d : t.getValue().path("shape")) {
                        count *= d.asLong();
                    }
                    counts.merge(t.getValue().path("dtype").asText(), count, Long::sum);
                }
            }
        }
        return counts;
    }

    private Map<String, Object> modelInfo(String repo, boolean blobs) throws IOException {
        String sha = repos.commit(repo);
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (String p : repos.files(repo)) {
            Map<String, Object> s = entry("rfilename", p);
            if (blobs) {
                FileMeta m = repos.meta(repo, p);
                s.put("size", m.size());
                s.put("blobId", m.sha1());
                if (m.lfs()) {
                    s.put("lfs", entry("sha256", advertisedSha256(repo, p, m), "size", m.size(), "pointerSize", 134));
                }
            }
            siblings.add(s);
        }
        JsonNode meta = repos.hubMeta(repo) == null ? JSON.createObjectNode() : JSON.readTree(repos.hubMeta(repo));
        Map<String, Object> config = new LinkedHashMap<>();
        Path cfg = repos.file(repo, "config.json");
        if (cfg != null) {
            JsonNode c = JSON.readTree(cfg.toFile());
            config.put("architectures", c.get("architectures"));
            config.put("model_type", c.get("model_type"));
            if (c.has("auto_map")) {
                config.put("auto_map", c.get("auto_map"));
            }
        }
        Map<String, Object> info = entry("_id", sha.substring(0, 24), "id", repo, "modelId", repo, "sha", sha,
                "private", false, "gated", gated.contains(repo) ? "manual" : false, "disabled", false,
                "downloads", meta.path("downloads").asLong(1), "likes", meta.path("likes").asLong(0));
        info.put("tags", meta.has("tags") ? meta.get("tags") : List.of());
        info.put("pipeline_tag", meta.has("pipeline_tag") ? meta.get("pipeline_tag") : null);
        info.put("library_name", meta.has("library_name") ? meta.get("library_name") : "transformers");
        info.put("config", config);
        info.put("siblings", siblings);
        info.put("lastModified", "2026-01-01T00:00:00.000Z");
        info.put("createdAt", "2026-01-01T00:00:00.000Z");
        if (meta.has("usedStorage")) {
            info.put("usedStorage", meta.get("usedStorage"));
        }
        return info;
    }

    private boolean resolve(Request req, OutputStream out, Socket socket, String repo, String rev, String file)
            throws IOException {
        if (!repos.isRepo(repo)) {
            return error(req, out, 401, "RepoNotFound", "Repository Not Found for url.");
        }
        if (!authorized(req, repo)) {
            return gatedError(req, out, repo);
        }
        String sha = repos.commit(repo);
        if (!repos.knowsRevision(repo, rev)) {
            return error(req, out, 404, "RevisionNotFound", "Invalid rev id: " + rev);
        }
        Path full = repos.file(repo, file);
        if (full == null) {
            return json(req, out, 404, Map.of("error", "Entry not found"),
                    Map.of("X-Error-Code", "EntryNotFound", "X-Repo-Commit", sha));
        }
        StatusFault sf = statusFault.getAndSet(null);
        if (sf != null) {
            Map<String, String> h = sf.retryAfterSeconds() >= 0
                    ? Map.of("Retry-After", String.valueOf(sf.retryAfterSeconds())) : Map.of();
            return json(req, out, sf.status(), Map.of("error", "injected fault " + sf.status()), h);
        }
        FileMeta m = repos.meta(repo, file);
        String key = repo + "/" + file;
        if (m.lfs()) {
            String etag = quote(advertisedSha256(repo, file, m));
            String base = lfsRedirectBase == null ? "" : lfsRedirectBase;
            String name = file.substring(file.lastIndexOf('/') + 1);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("X-Repo-Commit", sha);
            h.put("X-Linked-Etag", etag);
            h.put("X-Linked-Size", String.valueOf(wrongLinkedSize.getOrDefault(key, m.size())));
            h.put("ETag", etag);
            h.put("Location", base + "/cdn/" + m.sha256() + "/" + urlEncode(name) + "?repo=" + urlEncode(repo));
            writeHead(out, 302, h, 0);
            return true;
        }
        if (redirectSmallFiles) {
            writeHead(out, 307, Map.of("X-Repo-Commit", sha, "ETag", quote(m.sha1()),
                    "Location", "/_moved/" + repo + "/" + sha + "/" + file), 0);
            return true;
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Repo-Commit", sha);
        h.put("ETag", quote(m.sha1()));
        if (wrongLinkedSize.containsKey(key)) {
            h.put("X-Linked-Size", String.valueOf(wrongLinkedSize.get(key)));
        }
        return sendFile(req, out, socket, full, m.size(), h, key, false);
    }

    private boolean cdn(Request req, OutputStream out, Socket socket, String rest) throws IOException {
        String sha256 = rest.split("/")[0];
        String repo = req.query().getOrDefault("repo", "");
        String file = repos.isRepo(repo) ? repos.pathBySha256(repo, sha256) : null;
        if (file == null) {
            return error(req, out, 404, "EntryNotFound", "no such object");
        }
        return sendFile(req, out, socket, repos.file(repo, file), repos.meta(repo, file).size(),
                Map.of("ETag", quote(sha256)), repo + "/" + file, true);
    }

    private boolean sendFile(Request req, OutputStream out, Socket socket, Path full, long size,
                             Map<String, String> headers, String key, boolean lfs) throws IOException {
        long start = 0;
        long end = size - 1;
        int code = 200;
        String range = req.header("Range");
        if (range != null && range.startsWith("bytes=")) {
            String spec = range.substring(6);
            int dash = spec.indexOf('-');
            start = dash > 0 ? Long.parseLong(spec.substring(0, dash)) : 0;
            end = dash < spec.length() - 1 ? Math.min(size - 1, Long.parseLong(spec.substring(dash + 1))) : size - 1;
            if (start >= size) {
                writeHead(out, 416, Map.of("Content-Range", "bytes */" + size), 0);
                return true;
            }
            code = 206;
        }
        long n = end - start + 1;
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/octet-stream");
        h.put("Accept-Ranges", "bytes");
        if (code == 206) {
            h.put("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        h.putAll(headers);
        writeHead(out, code, h, n);
        if (req.head()) {
            return true;
        }
        maxActiveBodies.accumulateAndGet(activeBodies.incrementAndGet(), Math::max);
        try {
            return sendBody(out, socket, full, start, n, key, lfs ? bodyFault.getAndSet(null) : null);
        } finally {
            activeBodies.decrementAndGet();
        }
    }

    private boolean sendBody(OutputStream out, Socket socket, Path full, long start, long n, String key, BodyFault fault)
            throws IOException {
        AtomicLong served = bytesServed.computeIfAbsent(key, k -> new AtomicLong());
        byte[] buf = new byte[BODY_CHUNK];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long sent = 0;
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(full, StandardOpenOption.READ)) {
            while (sent < n) {
                if (fault != null && sent >= fault.afterBytes()) {
                    out.flush();
                    if (fault.kind() == BodyFaultKind.STALL) {
                        sleepUnlessClosed(fault.stall().toMillis());
                        fault = null;
                        continue;
                    }
                    if (fault.kind() == BodyFaultKind.DROP) {
                        socket.setSoLinger(true, 0);
                    } else {
                        socket.shutdownOutput();
                    }
                    return false;
                }
                long limit = fault == null ? n - sent : Math.min(n - sent, fault.afterBytes() - sent);
                long rateNow = rateBytesPerSecond;
                // When throttled, send about 20 slices a second, so even a small file arrives over time.
                int chunk = rateNow > 0 ? (int) Math.max(1024, Math.min(buf.length, rateNow / 20)) : buf.length;
                bb.clear().limit((int) Math.min(chunk, limit));
                int r = ch.read(bb, start + sent);
                if (r <= 0) {
                    return false;
                }
                out.write(buf, 0, r);
                sent += r;
                served.addAndGet(r);
                long rate = rateBytesPerSecond;
                if (rate > 0) {
                    out.flush();
                    long aheadMs = sent * 1000 / rate - (System.nanoTime() - t0) / 1_000_000;
                    if (aheadMs > 0) {
                        sleepUnlessClosed(aheadMs);
                    }
                }
            }
        }
        return true;
    }

    private void sleepUnlessClosed(long millis) {
        long until = System.currentTimeMillis() + millis;
        while (!closed && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, until - System.currentTimeMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean json(Request req, OutputStream out, int code, Object body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.putAll(headers);
        writeHead(out, code, h, bytes.length);
        if (!req.head()) {
            out.write(bytes);
        }
        return true;
    }

    private boolean error(Request req, OutputStream out, int code, String xcode, String message) throws IOException {
        return json(req, out, code, Map.of("error", message), Map.of("X-Error-Code", xcode, "X-Error-Message", message));
    }

    private static void writeHead(OutputStream out, int code, Map<String, String> headers, long contentLength)
            throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(reason(code)).append("\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Content-Length: ").append(contentLength).append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 302 -> "Found";
            case 307 -> "Temporary Redirect";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 416 -> "Range Not Satisfiable";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    private static Map<String, Object> entry(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a file into a served repo (creating folders), for tests that build repos on the fly. */
    public static Path writeFile(Path root, String repo, String path, byte[] content) {
        try {
            Path p = root.resolve(repo).resolve(path);
            Files.createDirectories(p.getParent());
            return Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
