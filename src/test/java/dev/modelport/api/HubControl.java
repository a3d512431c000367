package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.models.TinyCheckpoints;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * The test hub as a test sees it: over its HTTP switches ({@code /_faults}, {@code /_stats}) and its
 * folder, both named by the service's own configuration — so the test drives exactly the hub the
 * service talks to, whatever class loader the test runs in.
 */
final class HubControl {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final Path root;

    HubControl(String url, String root) {
        this.url = url;
        this.root = Path.of(root);
    }

    /** The hub the running service is configured with (TestHub's), from within a {@code @QuarkusTest}. */
    static HubControl ofService() {
        Config config = ConfigProvider.getConfig();
        return new HubControl(config.getValue("modelport.hub.endpoint", String.class),
                config.getValue("test.hub-root", String.class));
    }

    void throttle(long bytesPerSecond) {
        post("/_faults", "{\"rate_bps\": " + bytesPerSecond + "}");
    }

    void clearFaults() {
        post("/_faults", "{}");
    }

    /** Replaces the hub's faults with these (FakeHub's /_faults JSON). */
    void faults(String json) {
        post("/_faults", json);
    }

    /** Whether a one-shot fault is still waiting for its request (false once it has hit). */
    boolean faultArmed() {
        return get("/_stats").path("faults_armed").asBoolean();
    }

    /** Requests the hub has had for this URL path (query left out). */
    long requests(String urlPath) {
        return get("/_stats").path("requests").path(urlPath).asLong(0);
    }

    long bytesServed(String repo, String path) {
        return get("/_stats").path("bytes").path(repo + "/" + path).asLong(0);
    }

    String commit(String repo) {
        return get("/api/models/" + repo + "/revision/main").path("sha").asText();
    }

    String sha256(String repo, String path) {
        for (JsonNode s : get("/api/models/" + repo + "/revision/main?blobs=true").path("siblings")) {
            if (s.path("rfilename").asText().equals(path)) {
                return s.path("lfs").path("sha256").asText();
            }
        }
        throw new AssertionError("no " + path + " in " + repo);
    }

    /** A new repo no test has downloaded yet, so a test sees a real download whatever ran before it. */
    String freshRepo(String name, Head head) {
        String repo = "fresh-org/" + name;
        TinyCheckpoints.bert(root.resolve(repo), head);
        return repo;
    }

    Path root() {
        return root;
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET().build());
    }

    private void post(String path, String body) {
        send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static JsonNode send(HttpRequest request) {
        try {
            return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
