package dev.modelport.generation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients of a running service for the generation tests: deploy and wait, read one Prometheus
 * sample, an SSE stream read event by event (and dropped mid-way), and a generating WebSocket.
 * Loopback IPv4 throughout, so no lookup picks ::1.
 */
final class LiveGeneration {
    static final ObjectMapper JSON = new ObjectMapper();

    private LiveGeneration() {
    }

    static String loopback(URI base) {
        return base.toString().replace("//localhost:", "//127.0.0.1:").replaceAll("/$", "");
    }

    /** Deploys {@code model} as {@code id} unless it is deployed already, and waits for it to complete. */
    static void deploy(String model, String id) throws InterruptedException {
        if (given().get("/api/v1/deployments/" + id).statusCode() == 200) {
            return;
        }
        given().contentType(ContentType.JSON).body(Map.of("model_id", model, "deployment_id", id))
                .post("/api/v1/deploy").then().statusCode(202);
        JsonPath last = null;
        for (int i = 0; i < 600; i++) {
            last = given().get("/api/v1/deployments/" + id).then().extract().jsonPath();
            String status = last.getString("status");
            if (!List.of("initializing", "validating", "downloading", "loading", "creating", "starting").contains(status)) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("completed", last.getString("status"), last.prettify());
    }

    /** One sample of /q/metrics whose labels include deployment (and outcome, when given); 0 when absent. */
    static double metric(String name, String deployment, String outcome) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} ([0-9.eE+-]+)$").matcher(text);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("deployment=\"" + deployment + "\"")
                    && (outcome == null || labels.contains("outcome=\"" + outcome + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** Polls until {@code metric} reaches {@code atLeast} (generations end asynchronously); returns the last value. */
    static double awaitMetric(String name, String deployment, String outcome, double atLeast) throws InterruptedException {
        double value = 0;
        for (int i = 0; i < 600 && (value = metric(name, deployment, outcome)) < atLeast; i++) {
            Thread.sleep(50);
        }
        return value;
    }

    /** A Server-Sent Events answer read one {@code data:} event at a time, on a connection of its own. */
    static final class EventStream implements AutoCloseable {
        final int status;
        private final HttpClient http;
        private final BufferedReader lines;

        private EventStream(HttpClient http, HttpResponse<InputStream> response) {
            this.http = http;
            this.status = response.statusCode();
            this.lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        static EventStream open(URI base, String path, String body) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(loopback(base) + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return new EventStream(http, http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        }

        /** The next event's JSON ({@code [DONE]} as a text node), or null at the end of the stream. */
        JsonNode next() throws IOException {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    String data = line.substring("data: ".length());
                    return data.equals("[DONE]") ? JSON.getNodeFactory().textNode(data) : JSON.readTree(data);
                }
            }
            return null;
        }

        /** Drops the connection, as a client that goes away does. */
        @Override
        public void close() {
            http.shutdownNow();
        }
    }

    /** A JDK WebSocket client that queues every frame it receives and records the server's close. */
    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        static Socket connect(URI base, String path) {
            Socket s = new Socket();
            s.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create(loopback(base).replaceFirst("^http", "ws") + path), s).join();
            return s;
        }

        void send(String frame) {
            ws.sendText(frame, true).join();
        }

        /** The next frame; fails the test if none comes within a minute. */
        JsonNode next() throws InterruptedException {
            JsonNode f = frames.poll(60, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("no frame within 60 s");
            }
            return f;
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    closed.completeExceptionally(e);
                }
                partial.setLength(0);
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
