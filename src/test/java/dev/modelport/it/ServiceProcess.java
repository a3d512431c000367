package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service (target/quarkus-app) run as a real process, as a user runs it, and the few
 * calls the crash, disk and soak runs make on it.
 */
public final class ServiceProcess implements AutoCloseable {
    /** Statuses a deployment never leaves by itself. */
    public static final Set<String> ENDED = Set.of("completed", "failed", "cancelled", "stopped");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Process process;
    public final int port;
    public final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static ServiceProcess start(Path workDir, Map<String, String> env) throws IOException {
        return start(workDir, env, List.of());
    }

    /** @param jvmOptions extra JVM options before {@code -jar}, e.g. a fixed heap for the soak run */
    public static ServiceProcess start(Path workDir, Map<String, String> env, List<String> jvmOptions) throws IOException {
        ServiceProcess s = launch(workDir, env, jvmOptions, freePort());
        s.awaitReady(Duration.ofSeconds(90));
        return s;
    }

    /**
     * Starts the service on a given port and returns at once, without waiting for readiness (several replicas
     * start side by side; a replica is restarted on its old port). Its output is appended to
     * {@code service-PORT.log} in the work dir. An empty value in {@code env} is passed as empty (e.g.
     * {@code MODEL_STORAGE_PATH=""}: no persistence).
     */
    public static ServiceProcess launch(Path workDir, Map<String, String> env, List<String> jvmOptions, int port)
            throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the service first: " + jar);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = workDir.resolve("service-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> e = new HashMap<>(env);
        e.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        e.putIfAbsent("HF_HUB_CACHE", workDir.resolve("cache").toString());
        e.putIfAbsent("MODEL_STORAGE_PATH", workDir.resolve("deployed").toString());
        e.putIfAbsent("LOG_DIR", workDir.resolve("logs").toString());
        e.putIfAbsent("DEDICATED_PORTS_ENABLED", "false");
        pb.environment().putAll(e);
        return new ServiceProcess(pb.start(), port, log);
    }

    /** Waits for the process to exit by itself (a MODELPORT_PREFILL run) and returns its exit status. */
    public int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service did not exit in " + limit + ": " + tail());
        }
        return process.exitValue();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POST /api/v1/deploy of a model under an id; fails unless it is accepted (202). */
    public void deploy(String model, String id) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/deploy", "{\"model_id\":\"" + model + "\",\"deployment_id\":\"" + id + "\"}");
        if (r.statusCode() != 202) {
            throw new AssertionError("deploy of " + model + " as " + id + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The deployment as GET /api/v1/deployments/{id} shows it (a missing node when it is unknown). */
    public JsonNode deployment(String id) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v1/deployments/" + id);
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.missingNode();
    }

    public String status(String id) throws IOException, InterruptedException {
        return deployment(id).path("status").asText();
    }

    /** Polls /q/health/ready until it answers 200; fails if the process exits or the time runs out. */
    public void awaitReady(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited: " + tail());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException("service not ready in " + limit + ": " + tail());
    }

    /** Polls a deployment until it is completed, failed, cancelled or stopped (2 minutes at most). */
    public JsonNode awaitEnded(String id) throws IOException, InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode d = null;
        while (System.nanoTime() < end) {
            d = deployment(id);
            if (ENDED.contains(d.path("status").asText())) {
                return d;
            }
            sleep(200);
        }
        throw new AssertionError("deployment " + id + " never ended: " + d + "\n" + tail());
    }

    /** Polls (every few milliseconds, to catch a short stage) until the deployment shows this status. */
    public void awaitStatus(String id, String status, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        String seen = "";
        while (System.nanoTime() < end) {
            seen = status(id);
            if (seen.equals(status)) {
                return;
            }
            if (ENDED.contains(seen)) {
                break;
            }
            sleep(5);
        }
        throw new AssertionError("deployment " + id + " did not reach " + status + " (last: " + seen + ")\n" + tail());
    }

    /** The resident set size of the service, from /proc/PID/status (VmRSS), in bytes. */
    public long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new IllegalStateException("no VmRSS for process " + pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: no shutdown hooks, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
