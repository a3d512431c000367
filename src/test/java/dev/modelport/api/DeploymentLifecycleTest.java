package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Head;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A deployment from the hub stand-in to inference, watched over the real WebSocket. */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class DeploymentLifecycleTest {
    private static final List<String> ORDER = List.of("initializing", "validating", "downloading", "loading",
            "creating", "starting", "completed");

    @TestHTTPResource("/")
    URI base;
    @ConfigProperty(name = "modelport.hub.endpoint")
    String hubUrl;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    @ConfigProperty(name = "modelport.storage.hub-cache")
    String cache;
    @ConfigProperty(name = "modelport.storage.model-storage-path")
    String deployed;
    HubControl hub;

    @org.junit.jupiter.api.BeforeEach
    void warmUp() {
        hub = new HubControl(hubUrl, hubRoot);
        // rest-assured's first request pays for Groovy's start-up; keep that out of timed download windows
        given().get("/q/health/live").then().statusCode(200);
    }

    @AfterEach
    void clearFaults() {
        hub.clearFaults();
    }

    @Test
    void deploymentStreamsOrderedEventsAndServesInference() throws Exception {
        hub.throttle(40_000); // slow enough to see several download ticks
        String model = hub.freshRepo("ws-sentiment", Head.SEQUENCE_CLASSIFICATION);
        deploy(Map.of("model_id", model, "deployment_id", "ws-sentiment"));
        // with the history, as the UI connects: every event from the first, whenever the socket opens
        ProgressClient ws = ProgressClient.connect(base.toString().replaceFirst("^http", "ws")
                + "api/v1/ws/ws-sentiment?history=true");
        assertEquals(1000, ws.awaitClose(120), "server closes normally after the terminal event");

        List<String> statuses = ws.events.stream().map(e -> e.get("status").asText()).toList();
        assertEquals("completed", statuses.getLast(), statuses.toString());
        List<Integer> positions = statuses.stream().map(ORDER::indexOf).toList();
        assertFalse(positions.contains(-1), statuses.toString());
        assertEquals(positions.stream().sorted().toList(), positions, "statuses follow the lifecycle: " + statuses);
        for (int i = 1; i < ws.events.size(); i++) {
            assertTrue(ws.events.get(i).get("progress").asDouble() >= ws.events.get(i - 1).get("progress").asDouble(),
                    "progress never decreases");
        }
        assertEquals(100.0, ws.events.getLast().get("progress").asDouble());

        JsonPath d = given().get("/api/v1/deployments/ws-sentiment").then().statusCode(200).extract().jsonPath();
        long fileBytes = d.getList("files.size", Long.class).stream().mapToLong(Long::longValue).sum();
        List<JsonNode> ticks = ws.events.stream().filter(e -> e.get("status").asText().equals("downloading")
                && e.hasNonNull("bytes_done")).toList();
        assertTrue(ticks.size() >= 3, "several download ticks while bytes move, got " + ws.events);
        assertEquals(fileBytes, ticks.getLast().get("bytes_done").asLong(), "bytes add up to the files' sizes");
        assertEquals(fileBytes, ticks.getLast().get("bytes_total").asLong());
        ticks.forEach(t -> assertTrue(t.has("speed_bytes_per_s") && t.has("eta_s") && t.hasNonNull("file")));

        List<String> files = d.getList("files.path");
        assertTrue(files.containsAll(List.of("config.json", "model.safetensors", "tokenizer.json")), files.toString());
        assertFalse(files.contains("pytorch_model.bin") || files.contains("tf_model.h5") || files.contains("onnx/model.onnx"),
                "only one weights format is fetched: " + files);
        assertEquals("text-classification", d.getString("task"));
        assertEquals("BertForSequenceClassification", d.getString("architecture"));
        assertEquals(hub.commit(model), d.getString("commit"));
        assertTrue(d.getString("usage_examples.curl").contains("/api/v1/deployments/ws-sentiment/inference"));
        assertEquals(null, d.getString("endpoint"), "no dedicated port unless asked for");

        given().contentType(ContentType.JSON).body(Map.of("inputs", "I love this product!"))
                .post("/api/v1/deployments/ws-sentiment/inference").then().statusCode(200)
                .body("status", equalTo("success")).body("deployment_id", equalTo("ws-sentiment"))
                .body("result[0].label", org.hamcrest.Matchers.oneOf("NEGATIVE", "POSITIVE"))
                .body("inference_time_ms", org.hamcrest.Matchers.notNullValue());
        given().contentType(ContentType.JSON).body(Map.of("texts", List.of("good", "bad"), "parameters", Map.of("top_k", 2)))
                .post("/api/v1/deployments/ws-sentiment/inference").then().statusCode(200)
                .body("result.size()", equalTo(2)).body("result[0].size()", equalTo(2));

        // the contract: a late subscriber gets the latest event at once, then the close
        ProgressClient latest = ProgressClient.connect(base.toString().replaceFirst("^http", "ws") + "api/v1/ws/ws-sentiment");
        assertEquals(1000, latest.awaitClose(10));
        assertEquals(List.of("completed"), latest.events.stream().map(e -> e.get("status").asText()).toList());
        // what the UI asks for: the whole history
        ProgressClient late = ProgressClient.connect(base.toString().replaceFirst("^http", "ws")
                + "api/v1/ws/ws-sentiment?history=true");
        assertEquals(1000, late.awaitClose(10));
        List<String> replayed = late.events.stream().map(e -> e.get("status").asText()).toList();
        assertEquals(ORDER, replayed.stream().distinct().toList(),
                "a late subscriber gets the history: every stage, in order, ending with the latest event");
        assertEquals(statuses.stream().filter(s -> !s.equals("downloading")).toList(),
                replayed.stream().filter(s -> !s.equals("downloading")).toList(), "the same stage changes as seen live");
        List<JsonNode> replayedTicks = late.events.stream().filter(e -> e.hasNonNull("bytes_done")).toList();
        assertEquals(replayedTicks.stream().map(e -> e.get("file").asText()).distinct().count(), replayedTicks.size(),
                "one tick per file: the latest");
        assertEquals(fileBytes, replayedTicks.getLast().get("bytes_done").asLong(), "the last tick is the latest one");
        for (int i = 1; i < late.events.size(); i++) {
            assertTrue(late.events.get(i).get("progress").asDouble() >= late.events.get(i - 1).get("progress").asDouble(),
                    "the history never goes backwards");
        }

        given().delete("/api/v1/deployments/ws-sentiment").then().statusCode(200).body("status", equalTo("stopped"));
        given().get("/api/v1/deployments/ws-sentiment").then().statusCode(404)
                .body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "x")).post("/api/v1/deployments/ws-sentiment/inference")
                .then().statusCode(404);
    }

    @Test
    void twoDeploymentsOfOneModelDownloadEachBlobOnce() throws Exception {
        hub.throttle(300_000);
        String model = hub.freshRepo("twins", Head.TOKEN_CLASSIFICATION);
        CompletableFuture<JsonPath> a = CompletableFuture.supplyAsync(() -> deploy(Map.of("model_id", model, "deployment_id", "twin-a")));
        CompletableFuture<JsonPath> b = CompletableFuture.supplyAsync(() -> deploy(Map.of("model_id", model, "deployment_id", "twin-b")));
        a.join();
        b.join();
        assertEquals("completed", awaitEnded("twin-a", Duration.ofSeconds(120)).getString("status"));
        assertEquals("completed", awaitEnded("twin-b", Duration.ofSeconds(120)).getString("status"));
        long size = Files.size(hub.root().resolve(model).resolve("model.safetensors"));
        assertEquals(size, hub.bytesServed(model, "model.safetensors"), "the weights were fetched once");
        given().contentType(ContentType.JSON)
                .body(Map.of("inputs", "my name is sarah and i live in london", "parameters", Map.of("aggregation_strategy", "simple")))
                .post("/api/v1/deployments/twin-b/inference").then().statusCode(200).body("status", equalTo("success"));
        undeploy("twin-a");
        undeploy("twin-b");
    }

    @Test
    void cancelDuringDownloadStopsAndKeepsThePartialBlob() throws Exception {
        hub.throttle(8_000);
        deploy(Map.of("model_id", TestHub.TO_CANCEL, "deployment_id", "to-cancel"));
        ProgressClient ws = ProgressClient.connect(base.toString().replaceFirst("^http", "ws") + "api/v1/ws/to-cancel");
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (ws.events.stream().noneMatch(e -> e.path("file").asText().equals("model.safetensors"))
                && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertTrue(ws.events.stream().anyMatch(e -> e.path("file").asText().equals("model.safetensors")),
                "the weights are downloading: " + ws.events);
        given().delete("/api/v1/deployments/to-cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        assertEquals(1000, ws.awaitClose(10));
        assertEquals("cancelled", ws.events.getLast().get("status").asText());
        // listed as cancelled (as a failed one stays listed as failed) until it is deleted
        given().get("/api/v1/deployments/to-cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        given().get("/api/v1/deployments").then().body("deployments.deployment_id", hasItem("to-cancel"));
        given().delete("/api/v1/deployments/to-cancel").then().statusCode(200).body("status", equalTo("cancelled"));
        given().get("/api/v1/deployments/to-cancel").then().statusCode(404);
        Path blobs = Path.of(cache).resolve("models--test-org--tiny-distilbert-cancel").resolve("blobs");
        try (Stream<Path> files = Files.list(blobs)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".incomplete")), "the partial blob stays for a resume");
        }
        Path snapshot = Path.of(cache).resolve("models--test-org--tiny-distilbert-cancel").resolve("snapshots");
        try (Stream<Path> files = Files.walk(snapshot)) {
            assertTrue(files.noneMatch(p -> p.endsWith("model.safetensors")), "nothing half-done under snapshots/");
        }
    }

    @Test
    void dedicatedPortServesPredictAndIsFreedOnDelete() throws Exception {
        deploy(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "own-port", "dedicated_port", true));
        JsonPath d = awaitEnded("own-port", Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
        String endpoint = d.getString("endpoint");
        assertNotNull(endpoint);
        int port = URI.create(endpoint).getPort();
        assertTrue(port >= 18100 && port <= 18110, endpoint);
        given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON).body(Map.of("text", "wonderful"))
                .post("/predict").then().statusCode(200).body("status", equalTo("success"))
                .body("result[0].score", org.hamcrest.Matchers.notNullValue());
        given().baseUri("http://127.0.0.1").port(port).get("/health").then().statusCode(200).body("status", equalTo("UP"));
        given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON).body("{oops")
                .post("/predict").then().statusCode(400).body("error.code", equalTo("INVALID_REQUEST"));
        undeploy("own-port");
        Thread.sleep(200);
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "port released");
    }

    @Test
    void metricsCountDeploymentsAndDownloadedBytes() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("modelport_deployments{status=\"completed\""))
                .body(containsString("modelport_download_bytes_total"));
    }

    @Test
    void cacheUsesTheHuggingFaceLayout() throws Exception {
        String model = hub.freshRepo("layout", Head.SEQUENCE_CLASSIFICATION);
        deploy(Map.of("model_id", model, "deployment_id", "layout"));
        assertEquals("completed", awaitEnded("layout", Duration.ofSeconds(120)).getString("status"));
        Path repo = Path.of(cache).resolve("models--fresh-org--layout");
        String commit = Files.readString(repo.resolve("refs/main")).trim();
        assertEquals(hub.commit(model), commit);
        Path weights = repo.resolve("snapshots").resolve(commit).resolve("model.safetensors");
        assertTrue(Files.isSymbolicLink(weights));
        assertFalse(Files.readSymbolicLink(weights).isAbsolute(), "relative symlinks, as huggingface_hub makes them");
        assertEquals(hub.sha256(model, "model.safetensors"),
                Files.readSymbolicLink(weights).getFileName().toString());
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            List<String> names = new ArrayList<>(blobs.map(p -> p.getFileName().toString()).toList());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".incomplete")), names.toString());
        }
        Path meta = Path.of(deployed, "layout", "metadata.json");
        given().get("/api/v1/deployments").then().body("deployments.deployment_id", hasItem("layout"));
        assertTrue(Files.readString(meta).contains("\"completed\""));
        undeploy("layout");
        assertFalse(Files.exists(meta));
        given().get("/api/v1/deployments").then().body("deployments.deployment_id", not(hasItem("layout")));
    }
}
