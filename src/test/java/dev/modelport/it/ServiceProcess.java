package dev.modelport.it;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The packaged service (target/quarkus-app) run as a real process, as a user runs it. */
final class ServiceProcess implements AutoCloseable {
    private final Process process;
    final int port;
    final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static ServiceProcess start(Path workDir, Map<String, String> env) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the service first: " + jar);
        }
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = workDir.resolve("service-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Dai.djl.offline=true", "-jar", jar.toString()))
                .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = new HashMap<>(env);
        e.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        e.putIfAbsent("HF_HUB_CACHE", workDir.resolve("cache").toString());
        e.putIfAbsent("MODEL_STORAGE_PATH", workDir.resolve("deployed").toString());
        e.putIfAbsent("LOG_DIR", workDir.resolve("logs").toString());
        e.putIfAbsent("DEDICATED_PORTS_ENABLED", "false");
        pb.environment().putAll(e);
        ServiceProcess s = new ServiceProcess(pb.start(), port, log);
        s.awaitReady(Duration.ofSeconds(90));
        return s;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(Duration limit) {
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

    /** Polls a deployment until it is completed, failed or cancelled (2 minutes at most). */
    com.fasterxml.jackson.databind.JsonNode awaitEnded(String id) throws IOException, InterruptedException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        com.fasterxml.jackson.databind.JsonNode d = null;
        while (System.nanoTime() < end) {
            HttpResponse<String> r = get("/api/v1/deployments/" + id);
            if (r.statusCode() == 200) {
                d = json.readTree(r.body());
                String st = d.path("status").asText();
                if (st.equals("completed") || st.equals("failed") || st.equals("cancelled")) {
                    return d;
                }
            }
            sleep(200);
        }
        throw new AssertionError("deployment " + id + " never ended: " + d + "\n" + tail());
    }

    /** kill -9: no shutdown hooks, as in a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String tail() {
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
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
