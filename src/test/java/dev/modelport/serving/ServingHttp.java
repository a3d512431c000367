package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as its clients see it, over the JDK's HTTP client so that many requests can be in
 * flight at once from virtual threads: deploy and wait, post JSON, read one Prometheus sample.
 */
final class ServingHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENDED = Set.of("completed", "failed", "cancelled", "stopped");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    /** {@code base} as the test framework gives it; loopback IPv4 so no lookup picks ::1. */
    ServingHttp(URI base) {
        this.base = base.toString().replace("//localhost:", "//127.0.0.1:").replaceAll("/$", "");
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    Answer post(String path, Object body) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(text)).build();
            return answer(http.send(req, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build();
            return answer(http.send(req, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void delete(String path) {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer answer(HttpResponse<String> r) {
        JsonNode body;
        try {
            body = r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        return new Answer(r.statusCode(), body, r);
    }

    /** Deploys and waits for the deployment to end; returns its last Deployment JSON. */
    JsonNode deployAndWait(Object body, String id, Duration limit) throws InterruptedException {
        Answer accepted = post("/api/v1/deploy", body);
        if (accepted.status() != 202) {
            throw new AssertionError("deploy answered " + accepted.status() + ": " + accepted.raw().body());
        }
        long end = System.nanoTime() + limit.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < end) {
            last = get("/api/v1/deployments/" + id).body();
            if (last != null && ENDED.contains(last.path("status").asText())) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deployment " + id + " did not end in " + limit + "; last: " + last);
    }

    /** One sample of /q/metrics, e.g. {@code modelport_batch_size_max{deployment="x"}}; NaN when absent. */
    double metric(String name, String deployment) {
        String text = get("/q/metrics").raw().body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*deployment=\"" + Pattern.quote(deployment)
                + "\"[^}]*} ([0-9.eE+-]+|NaN)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
