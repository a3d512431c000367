package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three stateless replicas of the packaged service behind HAProxy, as on Kubernetes: one shared HF cache,
 * no MODEL_STORAGE_PATH, the models declared in MODELPORT_DEPLOYMENTS and fetched from the hub stand-in.
 * All three start at once against an empty cache and each blob crosses the wire once (the cache's lock
 * files, between processes). Then 32 clients send classification and generation requests through the
 * balancer (and a few GETs of a deployment's status) while one replica is killed (-9) and restarted on its
 * port with the hub gone: the only requests lost are POSTs that were in flight on the killed replica (the
 * balancer retries the ones that could not reach it, and idempotent GETs), and the restarted replica comes back from the cache alone and takes traffic again. The figures
 * are printed and written to target/replicas/report.txt.
 */
class ReplicasBehindBalancerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SENTIMENT = "replica-org/tiny-bert-sentiment";
    private static final String GENERATOR = "replica-org/tiny-qwen2-generator";
    private static final String DECLARED = "[{\"model_id\": \"" + SENTIMENT + "\", \"deployment_id\": \"sentiment\", \"task\": \"text-classification\"},"
            + " {\"model_id\": \"" + GENERATOR + "\", \"deployment_id\": \"generator\", \"task\": \"text-generation\"}]";
    private static final String CLASSIFY = "/api/v1/deployments/sentiment/inference";
    private static final String GENERATE = "/api/v1/deployments/generator/inference";
    private static final int REPLICAS = 3;
    private static final int CLIENTS = 32;
    /** The most requests HAProxy keeps in flight on one replica, so the most a kill can lose. */
    private static final int MAX_IN_FLIGHT_PER_REPLICA = 12;
    private static final Duration KILL_AT = Duration.ofSeconds(6);
    private static final Duration LOAD_AT_LEAST = Duration.ofSeconds(20);
    /** How long the restarted replica must take traffic before the load stops. */
    private static final Duration SERVE_AFTER_RESTART = Duration.ofSeconds(4);
    private static final Duration LOAD_AT_MOST = Duration.ofSeconds(100);
    private static final Pattern QUEUE_DEPTH = Pattern.compile("^modelport_queue_depth\\{deployment=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    void replicasShareOneCacheAndSurviveAKillBehindTheBalancer() throws Exception {
        String haproxy = Balancer.executable(); // fails at once, naming the fix, where HAProxy is missing
        Path hubRoot = dir.resolve("hub");
        TinyCheckpoints.bert(hubRoot.resolve(SENTIMENT), Head.SEQUENCE_CLASSIFICATION);
        TinyDecoders.llama(hubRoot.resolve(GENERATOR), TinyDecoders.Family.QWEN2, 2, 32, 4, 2, 48, true, null, 1, 5);
        Path cache = dir.resolve("cache");
        List<String> report = new ArrayList<>();
        report.add("Replicas behind a balancer: " + REPLICAS + " replicas of the packaged service, " + haproxy
                + ", one shared HF cache, " + CLIENTS + " clients; " + Runtime.getRuntime().availableProcessors()
                + " cores, load average at the start " + loadAverage());

        FakeHub hub = FakeHub.start(hubRoot).lfsThreshold(10_000);
        List<ServiceProcess> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
        int[] ports = new int[REPLICAS];
        Balancer balancer = null;
        try {
            // ---- three replicas at once on an empty cache ---------------------------------------------
            long t0 = System.nanoTime();
            for (int i = 0; i < REPLICAS; i++) {
                ports[i] = ServiceProcess.freePort();
                replicas.add(ServiceProcess.launch(dir, env(i, hub.url(), cache), List.of(), ports[i]));
            }
            for (ServiceProcess r : replicas) {
                r.awaitReady(Duration.ofSeconds(90)); // ready = both declared deployments completed
            }
            long allReadyMs = (System.nanoTime() - t0) / 1_000_000;
            for (ServiceProcess r : replicas) {
                for (String id : List.of("sentiment", "generator")) {
                    JsonNode d = r.deployment(id);
                    assertEquals("completed", d.path("status").asText(), d + "\n" + r.tail());
                    assertTrue(d.path("declared").asBoolean(), id + " is declared");
                }
            }
            int blobs = 0;
            long bytes = 0;
            for (String repo : List.of(SENTIMENT, GENERATOR)) {
                for (Path f : repoFiles(hubRoot.resolve(repo))) {
                    String path = hubRoot.resolve(repo).relativize(f).toString();
                    long served = hub.bytesServed(repo, path);
                    assertEquals(Files.size(f), served, repo + "/" + path + " fetched exactly once by " + REPLICAS + " replicas");
                    blobs++;
                    bytes += served;
                }
                assertEquals(REPLICAS, hub.requests("/api/models/" + repo + "/revision/main"), "one model-info call per replica");
            }
            assertEquals(bytes, hub.totalBytesServed(), "nothing else crossed the wire");
            report.add(String.format("Start: all %d ready in %.1f s from launch on an empty cache; %d files, %,d bytes fetched from"
                    + " the hub: each file exactly once (%d model-info calls per model, one per replica)",
                    REPLICAS, allReadyMs / 1000.0, blobs, bytes, REPLICAS));

            // ---- the balancer and the load ----------------------------------------------------------------
            Map<String, Integer> servers = new LinkedHashMap<>();
            for (int i = 0; i < REPLICAS; i++) {
                servers.put("r" + (i + 1), ports[i]);
            }
            balancer = Balancer.start(dir, servers, MAX_IN_FLIGHT_PER_REPLICA);
            for (String s : servers.keySet()) {
                balancer.awaitStatus(s, "UP", Duration.ofSeconds(10));
            }
            int victim = 1;
            String victimName = "r" + (victim + 1);
            Load load = new Load(balancer);
            Map<String, Double> maxQueue = new ConcurrentHashMap<>();
            Thread sampler = Thread.ofVirtual().name("queue-depth").start(() -> sampleQueueDepth(replicas, maxQueue, load));
            load.start(CLIENTS);

            ServiceProcess.sleep(KILL_AT.toMillis());
            long scurAtKill = balancer.stat(victimName, "scur");
            int clientsInFlight = load.inFlight();
            long killNanos = System.nanoTime();
            replicas.get(victim).kill(); // SIGKILL, and waits until the process is gone: no shutdown hook, connections reset
            load.killedAt(killNanos, System.nanoTime()); // a request sent before the process was gone may have been on it
            hub.close(); // from here on, the hub cannot be reached
            ServiceProcess restarted = ServiceProcess.launch(dir, env(victim, hub.url(), cache), List.of(), ports[victim]);
            replicas.set(victim, restarted);
            balancer.awaitStatus(victimName, "DOWN", Duration.ofSeconds(5));
            long downMs = (System.nanoTime() - killNanos) / 1_000_000;
            restarted.awaitReady(Duration.ofSeconds(90));
            long readyMs = (System.nanoTime() - killNanos) / 1_000_000;
            balancer.awaitStatus(victimName, "UP", Duration.ofSeconds(10));
            long upMs = (System.nanoTime() - killNanos) / 1_000_000;

            long stopAt = Math.max(load.startNanos + LOAD_AT_LEAST.toNanos(), System.nanoTime() + SERVE_AFTER_RESTART.toNanos());
            ServiceProcess.sleep(Math.max(0, Math.min(stopAt, load.startNanos + LOAD_AT_MOST.toNanos()) - System.nanoTime()) / 1_000_000);
            load.stop();
            sampler.join();
            double seconds = (load.stopNanos - load.startNanos) / 1e9;
            Map<String, Map<String, String>> stats = balancer.stats();

            // ---- what the restarted replica is --------------------------------------------------------------
            for (String id : List.of("sentiment", "generator")) {
                assertEquals("completed", restarted.status(id), restarted.tail());
            }
            String restartLog = Files.readString(restarted.log);
            Files.createDirectories(Path.of("target/replicas"));
            Files.writeString(Path.of("target/replicas/restarted-replica.log"), restartLog);
            assertTrue(restartLog.contains("from the cache (commit"), "the restarted replica resolved its models from the cache:\n"
                    + restarted.tail());
            String metrics = restarted.get("/q/metrics").body();
            Matcher downloaded = Pattern.compile("^modelport_download_bytes_total(?:\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(metrics);
            assertTrue(downloaded.find(), "the download counter is exported");
            assertEquals(0.0, Double.parseDouble(downloaded.group(1)), "the restarted replica downloaded nothing: " + downloaded.group());
            long servedAfterRestart = load.servedBy(victimName, killNanos);
            long firstAfterRestartMs = load.firstServedBy(victimName, killNanos) < 0 ? -1
                    : (load.firstServedBy(victimName, killNanos) - killNanos) / 1_000_000;

            // ---- figures ------------------------------------------------------------------------------------
            report.add(String.format("Load: %.1f s, %,d requests (%,d classification and %,d generation of 8 tokens, POST; %,d"
                            + " deployment status, GET), %,d answered 200 (%.0f/s); served by %s", seconds, load.total(),
                    load.kindCount("classify"), load.kindCount("generate"), load.kindCount("status"), load.ok.get(),
                    load.ok.get() / seconds, load.servedBy()));
            report.add(String.format("Kill -9 of %s at %.1f s: HAProxy had %d requests in flight on it, the clients %d in all",
                    victimName, (killNanos - load.startNanos) / 1e9, scurAtKill, clientsInFlight));
            long closed = load.lost.stream().filter(o -> o.status() < 0).count();
            Map<String, Long> lostKinds = new TreeMap<>();
            load.lost.forEach(o -> lostKinds.merge(o.kind(), 1L, Long::sum));
            report.add(String.format("Lost: %d requests %s (%d answered 5xx by the balancer, %d closed without an answer), all sent"
                            + " before the kill and ended within %d ms of it; other errors: %d; retried on another replica by"
                            + " HAProxy (wretr): %s, redispatched (wredis): %s", load.lost.size(), lostKinds, load.lost.size() - closed, closed,
                    load.lostWithinMs(), load.unexpected.size(), stats.get(victimName).get("wretr"), stats.get(victimName).get("wredis")));
            report.add(String.format("Restart with the hub closed: out of the balancer %d ms after the kill, ready %d ms after it"
                            + " (models from the cache, 0 bytes downloaded), back in the balancer at %d ms, first answer at %d ms,"
                            + " %,d answers from it after the restart", downMs, readyMs, upMs, firstAfterRestartMs, servedAfterRestart));
            report.add("Load average at the end: " + loadAverage());
            report.add("Most requests waiting per deployment seen in modelport_queue_depth (sampled every 500 ms): " + new TreeMap<>(maxQueue));
            String text = String.join("\n", report) + "\n";
            System.out.print(text);
            Files.createDirectories(Path.of("target/replicas"));
            Files.writeString(Path.of("target/replicas/report.txt"), text);

            assertTrue(load.unexpected.isEmpty(), "no error other than requests lost with the killed replica: " + load.unexpected);
            assertTrue(load.lost.stream().noneMatch(o -> o.kind().equals("status")), "an idempotent GET is retried, never lost: "
                    + load.lost);
            assertTrue(load.lost.size() <= MAX_IN_FLIGHT_PER_REPLICA, "lost no more than could be in flight on one replica: "
                    + load.lost.size());
            for (Load.Outcome o : load.lost) {
                assertTrue(o.sentNanos() < load.deadNanos && o.doneNanos() - killNanos < Duration.ofSeconds(5).toNanos(),
                        "a lost request was in flight when the replica died: " + o);
            }
            assertTrue(servedAfterRestart > 0, "the restarted replica took traffic again");
            assertTrue(load.ok.get() > 200, "enough requests to mean something: " + load.ok.get());
        } finally {
            if (balancer != null) {
                balancer.close();
                Files.createDirectories(Path.of("target/replicas"));
                Files.copy(balancer.log(), Path.of("target/replicas/haproxy.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (ServiceProcess r : replicas) {
                r.close();
            }
            hub.close();
        }
    }

    private Map<String, String> env(int replica, String hubUrl, Path cache) {
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hubUrl);
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("MODEL_STORAGE_PATH", "");
        env.put("LOG_DIR", dir.resolve("logs-" + replica).toString());
        env.put("MODELPORT_DEPLOYMENTS", DECLARED);
        // three JVMs and the clients share the machine's cores: one libtorch thread each
        env.put("TORCH_NUM_THREADS", "1");
        // HAProxy checks readiness every 250 ms; SmallRye Health would log every DOWN answer of a starting replica
        env.put("QUARKUS_LOG_CATEGORY__IO_SMALLRYE_HEALTH__LEVEL", "WARN");
        return env;
    }

    /** The 1-minute load average (other work on the machine slows every figure above), from /proc/loadavg. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static List<Path> repoFiles(Path repo) throws IOException {
        try (Stream<Path> s = Files.walk(repo)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(".hubmeta.json")).sorted().toList();
        }
    }

    /** The metric the autoscalers read (docs/KUBERNETES.md), scraped from every live replica twice a second. */
    private static void sampleQueueDepth(List<ServiceProcess> replicas, Map<String, Double> max, Load load) {
        while (!load.stopped()) {
            for (ServiceProcess r : List.copyOf(replicas)) {
                try {
                    Matcher m = QUEUE_DEPTH.matcher(r.get("/q/metrics").body());
                    while (m.find()) {
                        max.merge(m.group(1), Double.parseDouble(m.group(2)), Math::max);
                    }
                } catch (IOException e) {
                    // the killed replica, or one starting
                } catch (InterruptedException e) {
                    return;
                }
            }
            ServiceProcess.sleep(500);
        }
    }

    /** Closed-loop clients through the balancer; every outcome is kept with its times and the replica that served it. */
    private static final class Load {
        record Outcome(String kind, int status, String servedBy, long sentNanos, long doneNanos, String detail) {
        }

        private final Balancer balancer;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final List<Thread> threads = new ArrayList<>();
        private final ConcurrentLinkedQueue<Outcome> served = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Outcome> lost = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Outcome> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicLong ok = new AtomicLong();
        private final AtomicLong inFlight = new AtomicLong();
        private final Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();
        private final AtomicLong sequence = new AtomicLong();
        private volatile boolean stopped;
        private volatile long killNanos = Long.MAX_VALUE;
        private volatile long deadNanos = Long.MAX_VALUE;
        long startNanos;
        long stopNanos;

        Load(Balancer balancer) {
            this.balancer = balancer;
        }

        void start(int clients) {
            startNanos = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofVirtual().name("replica-client-" + c).start(this::loop));
            }
        }

        void killedAt(long signalNanos, long goneNanos) {
            killNanos = signalNanos;
            deadNanos = goneNanos;
        }

        private void loop() {
            while (!stopped) {
                long n = sequence.incrementAndGet();
                String kind = n % 8 == 1 ? "status" : n % 4 == 0 ? "generate" : "classify";
                HttpRequest.Builder b = HttpRequest.newBuilder().timeout(Duration.ofSeconds(60));
                switch (kind) {
                    case "status" -> b.uri(URI.create(balancer.url("/api/v1/deployments/sentiment"))).GET();
                    case "generate" -> b.uri(URI.create(balancer.url(GENERATE))).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"Hello world " + n
                                    + "\", \"parameters\": {\"max_new_tokens\": 8, \"do_sample\": false}}"));
                    default -> b.uri(URI.create(balancer.url(CLASSIFY))).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": \"I love this product! " + n + "\"}"));
                }
                kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                long sent = System.nanoTime();
                inFlight.incrementAndGet();
                try {
                    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    Outcome o = new Outcome(kind, r.statusCode(), r.headers().firstValue("X-Served-By").orElse("-"), sent,
                            System.nanoTime(), r.statusCode() == 200 ? "" : r.body());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        served.add(o);
                    } else if (r.statusCode() >= 502 && r.statusCode() <= 504 && sent < deadNanos) {
                        lost.add(o); // the balancer's answer for a replica that died with the request
                    } else {
                        unexpected.add(o);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (IOException e) {
                    // HAProxy closes a keep-alive client connection without an answer when the replica dies under a
                    // request that was not the connection's first, so that the client may retry it (RFC 9112 9.3.1)
                    Outcome o = new Outcome(kind, -1, "-", sent, System.nanoTime(), e.toString());
                    (sent < deadNanos ? lost : unexpected).add(o);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            for (Thread t : threads) {
                t.join();
            }
            stopNanos = System.nanoTime();
        }

        boolean stopped() {
            return stopped;
        }

        int inFlight() {
            return (int) inFlight.get();
        }

        long total() {
            return served.size() + lost.size() + unexpected.size();
        }

        long kindCount(String kind) {
            return kinds.getOrDefault(kind, new AtomicLong()).get();
        }

        long lostWithinMs() {
            return lost.stream().mapToLong(o -> Math.max(0, o.doneNanos() - killNanos) / 1_000_000).max().orElse(0);
        }

        Map<String, Long> servedBy() {
            Map<String, Long> out = new TreeMap<>();
            served.forEach(o -> out.merge(o.servedBy(), 1L, Long::sum));
            return out;
        }

        long servedBy(String server, long afterNanos) {
            return served.stream().filter(o -> o.servedBy().equals(server) && o.sentNanos() > afterNanos).count();
        }

        long firstServedBy(String server, long afterNanos) {
            return served.stream().filter(o -> o.servedBy().equals(server) && o.sentNanos() > afterNanos)
                    .mapToLong(Outcome::doneNanos).min().orElse(-1);
        }
    }
}
