package dev.modelport.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.api.TestHub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random and hostile requests to every endpoint, including a live deployment's inference route and its
 * dedicated port: no answer is a 5xx, no answer carries a stack trace, every error has the standard
 * body, and afterwards the service and the deployment answer as before. {@code -Dfuzz.seed} and
 * {@code -Dfuzz.cases} replay or widen a run; a failure names its seed and case.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class HostileRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STACK_FRAME = Pattern.compile("\\bat [a-z][\\w$]*(\\.[\\w$]+)+\\(|Caused by:|\\.java:\\d+\\)");
    private static final String TARGET = "fuzz-target";
    private static final String GOOD = "{\"inputs\": \"I love this product!\", \"parameters\": {\"top_k\": null}}";

    @TestHTTPResource("/")
    URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private record Target(String method, String url, boolean hasBody) {
    }

    @Test
    void noHostileRequestGetsA5xxOrAStackTrace() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261126L);
        int cases = Integer.getInteger("fuzz.cases", 400);
        String predict = deployTarget();
        String before = send(new Target("POST", api("/api/v1/deployments/" + TARGET + "/inference"), true), GOOD).body();

        Random random = new Random(seed);
        HostileJson gen = new HostileJson(random);
        List<String> failures = new ArrayList<>();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < cases; i++) {
            Target t = pick(random, gen, predict);
            String body = t.hasBody() ? gen.body() : null;
            HttpResponse<String> r;
            try {
                r = send(t, body);
            } catch (java.io.IOException e) {
                failures.add(describe(seed, i, t, body, "connection failed: " + e));
                continue;
            }
            statuses.merge(r.statusCode(), 1, Integer::sum);
            String problem = problem(r, t.url().contains("/v1/") && !t.url().contains("/api/v1/"));
            if (problem != null) {
                failures.add(describe(seed, i, t, body, problem + " -> " + r.statusCode() + " " + clip(r.body(), 300)));
            }
        }
        System.out.println("fuzz seed=" + seed + " cases=" + cases + " statuses=" + statuses);
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed:\n" + String.join("\n", failures));

        assertEquals(200, send(new Target("GET", api("/q/health/live"), false), null).statusCode());
        HttpResponse<String> after = send(new Target("POST", api("/api/v1/deployments/" + TARGET + "/inference"), true), GOOD);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals(JSON.readTree(before).path("result"), JSON.readTree(after.body()).path("result"),
                "the deployment answers as before the fuzzing");
        assertEquals(200, send(new Target("POST", predict, true), GOOD).statusCode());
    }

    /**
     * Null when the answer is acceptable, else what is wrong with it. OpenAI-compatible routes answer
     * in OpenAI's error shape ({"error": {"message", "type", "code"}}), the rest in ours.
     */
    private static String problem(HttpResponse<String> r, boolean openAi) {
        if (r.statusCode() >= 500) {
            return "5xx";
        }
        if (STACK_FRAME.matcher(r.body()).find()) {
            return "stack trace in body";
        }
        if (r.statusCode() >= 400) {
            try {
                JsonNode b = JSON.readTree(r.body());
                if (openAi) {
                    return b.path("error").path("message").asText().isEmpty() || b.path("error").path("type").asText().isEmpty()
                            ? "error without OpenAI's error body" : null;
                }
                if (!b.path("status").asText().equals("error") || b.path("error").path("code").asText().isEmpty()
                        || b.path("error").path("message").asText().isEmpty()) {
                    return "error without the standard body";
                }
            } catch (Exception e) {
                return "error body is not JSON";
            }
        }
        return null;
    }

    private Target pick(Random random, HostileJson gen, String predict) {
        String seg = gen.pathSegment();
        return switch (random.nextInt(12)) {
            case 0, 1 -> new Target("POST", api("/api/v1/deploy"), true);
            case 2, 3, 4 -> new Target("POST", api("/api/v1/deployments/" + TARGET + "/inference"), true);
            case 5 -> new Target("POST", api("/api/v1/deployments/" + seg + "/inference"), true);
            case 6 -> new Target(random.nextBoolean() ? "GET" : "DELETE", api("/api/v1/deployments/" + seg), false);
            case 7 -> new Target("GET", api("/api/v1/models/" + seg + "/" + gen.pathSegment() + "?revision=" + gen.pathSegment()), false);
            case 8 -> new Target("POST", api("/v1/embeddings"), true);
            case 9 -> new Target("POST", api(random.nextBoolean() ? "/v1/completions" : "/v1/chat/completions"), true);
            default -> new Target("POST", predict, true);
        };
    }

    private String api(String path) {
        return "http://127.0.0.1:" + base.getPort() + path;
    }

    private HttpResponse<String> send(Target t, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url())).timeout(Duration.ofSeconds(60));
        if (t.hasBody()) {
            b.header("Content-Type", "application/json")
                    .method(t.method(), HttpRequest.BodyPublishers.ofString(body == null ? "" : body, StandardCharsets.UTF_8));
        } else {
            b.method(t.method(), HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String deployTarget() throws Exception {
        String deploy = "{\"model_id\": \"" + TestHub.SENTIMENT + "\", \"deployment_id\": \"" + TARGET + "\", \"dedicated_port\": true}";
        HttpResponse<String> r = send(new Target("POST", api("/api/v1/deploy"), true), deploy);
        assertEquals(202, r.statusCode(), r.body());
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < end) {
            JsonNode d = JSON.readTree(send(new Target("GET", api("/api/v1/deployments/" + TARGET), false), null).body());
            switch (d.path("status").asText()) {
                case "completed" -> {
                    return "http://127.0.0.1:" + URI.create(d.path("endpoint").asText()).getPort() + "/predict";
                }
                case "failed", "cancelled" -> throw new AssertionError(d.toString());
                default -> Thread.sleep(100);
            }
        }
        throw new AssertionError("fuzz target not deployed");
    }

    private static String describe(long seed, int index, Target t, String body, String problem) {
        return "seed=" + seed + " case=" + index + " " + t.method() + " " + t.url() + " body=" + clip(body, 200) + ": " + problem;
    }

    private static String clip(String s, int n) {
        return s == null ? "null" : s.length() <= n ? s : s.substring(0, n) + "...(" + s.length() + " chars)";
    }
}
