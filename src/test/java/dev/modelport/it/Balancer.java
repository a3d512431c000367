package dev.modelport.it;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy in front of service replicas, as a Kubernetes Service with readiness gating does it:
 * a replica gets traffic only while {@code /q/health/ready} answers 200 (checked every 250 ms), a
 * connection error takes it out at once, and a request that could not be sent (connection refused) is
 * retried on another replica, as is an idempotent one (GET, HEAD) whose replica died before answering. A
 * POST already sent to a replica that dies is not replayed (a balancer must not assume a POST idempotent,
 * though inference is): HAProxy answers 502, or, when it was not the first
 * request of a keep-alive client connection, closes that connection without an answer so that the client
 * may retry (it does not log those). Each response names the replica that served it ({@code X-Served-By});
 * per-server counters come from HAProxy's CSV statistics, its log is {@code haproxy.log} in the work dir.
 */
final class Balancer implements AutoCloseable {
    /** Where scripts/test.sh installs it (apt-get install haproxy), or on the PATH. */
    static final List<String> LOCATIONS = List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    final int port;
    private final int statsPort;
    private final Path log;

    private Balancer(Process process, int port, int statsPort, Path log) {
        this.process = process;
        this.port = port;
        this.statsPort = statsPort;
        this.log = log;
    }

    static String executable() {
        for (String p : LOCATIONS) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "haproxy"))) {
                return Path.of(dir, "haproxy").toString();
            }
        }
        throw new IllegalStateException("HAProxy is not installed; scripts/test.sh installs it "
                + "(apt-get install haproxy, as root or with sudo)");
    }

    /**
     * @param servers name → port of each replica on 127.0.0.1
     * @param maxConnPerServer the most requests HAProxy has in flight on one replica (more wait in its queue)
     */
    static Balancer start(Path dir, Map<String, Integer> servers, int maxConnPerServer) throws IOException, InterruptedException {
        int port = ServiceProcess.freePort();
        int statsPort = ServiceProcess.freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                    maxconn 4096
                    log stdout format raw local0
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 1s
                    timeout client 60s
                    timeout server 60s
                    timeout queue 30s
                    timeout check 1s
                    # requests that never reached a replica (refused connection) go to another one, and so do
                    # idempotent ones (GET, HEAD) whose replica died before answering; a POST is never replayed
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response response-timeout
                    # one request per server connection: no request is ever sent on a connection the dead replica left
                    option http-server-close
                frontend api
                    bind 127.0.0.1:%d
                    default_backend replicas
                backend replicas
                    balance roundrobin
                    http-request disable-l7-retry if !METH_GET
                    option httpchk GET /q/health/ready
                    http-check expect status 200
                    http-response set-header X-Served-By %%s
                    default-server check inter 250ms fastinter 250ms downinter 250ms fall 1 rise 1 maxconn %d observe layer4 error-limit 1 on-error mark-down
                """.formatted(port, maxConnPerServer));
        servers.forEach((name, p) -> cfg.append("    server ").append(name).append(" 127.0.0.1:").append(p).append('\n'));
        cfg.append("""
                listen stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                """.formatted(statsPort));
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, cfg.toString());
        String haproxy = executable();
        Process check = new ProcessBuilder(haproxy, "-c", "-f", config.toString()).redirectErrorStream(true).start();
        String checkOut = new String(check.getInputStream().readAllBytes());
        if (check.waitFor() != 0) {
            throw new IllegalStateException("haproxy -c refused the configuration:\n" + checkOut + "\n" + cfg);
        }
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(haproxy, "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Balancer b = new Balancer(p, port, statsPort, log);
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("haproxy exited: " + Files.readString(log));
            }
            try {
                b.stats();
                return b;
            } catch (IOException notYet) {
                ServiceProcess.sleep(50);
            }
        }
        throw new IllegalStateException("haproxy did not start: " + Files.readString(log));
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** HAProxy's statistics of each server of the backend, by server name: {@code status}, {@code stot}, {@code scur}, ... */
    Map<String, Map<String, String>> stats() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/stats;csv"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("stats answered " + r.statusCode());
        }
        String[] lines = r.body().split("\n");
        String[] header = lines[0].replaceFirst("^# ", "").split(",", -1);
        Map<String, Map<String, String>> out = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] v = lines[i].split(",", -1);
            if (v.length < 2 || !v[0].equals("replicas")) {
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (int c = 0; c < Math.min(header.length, v.length); c++) {
                row.put(header[c], v[c]);
            }
            out.put(v[1], row);
        }
        return out;
    }

    long stat(String server, String column) throws IOException, InterruptedException {
        String v = stats().getOrDefault(server, Map.of()).getOrDefault(column, "");
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    String status(String server) throws IOException, InterruptedException {
        return stats().getOrDefault(server, Map.of()).getOrDefault("status", "?");
    }

    /** Waits until HAProxy's health check has this server in the given state ("UP" or "DOWN"). */
    void awaitStatus(String server, String status, Duration limit) throws IOException, InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        String seen = "";
        while (System.nanoTime() < end) {
            seen = status(server);
            if (seen.startsWith(status)) {
                return;
            }
            ServiceProcess.sleep(20);
        }
        throw new AssertionError("HAProxy never saw " + server + " " + status + " (last: " + seen + ")");
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
