package dev.modelport.security;

import dev.modelport.api.TestHub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With API_KEY_ENABLED=true every route family asks for a key; health stays open. */
@QuarkusTest
@TestProfile(KeysRequired.class)
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class ApiKeySecurityTest {
    @TestHTTPResource("/")
    URI base;

    private static void unauthorized(RequestSpecification request, String method, String path) {
        request.request(method, path).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo("error")).body("error.code", equalTo("UNAUTHORIZED"))
                .body("error.message", notNullValue());
    }

    @Test
    void everyApiRouteFamilyNeedsAKey() {
        for (String[] route : new String[][]{{"GET", "/api/v1/system"}, {"GET", "/api/v1/deployments"},
                {"GET", "/api/v1/deployments/anything"}, {"DELETE", "/api/v1/deployments/anything"},
                {"GET", "/api/v1/models/" + TestHub.SENTIMENT}, {"GET", "/api/v1/no-such-route"},
                {"GET", "/v1/models"}, {"GET", "/q/metrics"}}) {
            unauthorized(given(), route[0], route[1]);
            unauthorized(given().header("Authorization", "Bearer wrong"), route[0], route[1]);
        }
        for (String path : new String[]{"/api/v1/deploy", "/api/v1/deployments/x/inference", "/v1/embeddings",
                "/v1/completions", "/v1/chat/completions", "/models/x", "/models/x/generate", "/models/x/generate_stream",
                "/models/x/v1/chat/completions", "/models/x/no-such-route"}) {
            unauthorized(given().contentType(ContentType.JSON).body(Map.of("model_id", TestHub.SENTIMENT)), "POST", path);
        }
        // path tricks land on the same protected routes
        unauthorized(given().urlEncodingEnabled(false), "GET", "/q/../api/v1/system");
        unauthorized(given().urlEncodingEnabled(false), "GET", "//api/v1/system");
        // a token query parameter is for WebSocket handshakes only
        unauthorized(given().queryParam("token", KeysRequired.KEY), "GET", "/api/v1/system");
    }

    @Test
    void bothHeaderFormsAndEveryListedKeyAreAccepted() {
        given().header("Authorization", "Bearer " + KeysRequired.KEY).get("/api/v1/system").then().statusCode(200)
                .body("api_key_required", equalTo(true));
        given().header("Authorization", "bearer " + KeysRequired.OTHER_KEY).get("/api/v1/deployments").then().statusCode(200);
        given().header("X-API-Key", KeysRequired.OTHER_KEY).get("/api/v1/system").then().statusCode(200);
        given().header("X-API-Key", KeysRequired.KEY).get("/q/metrics").then().statusCode(200);
        // past the key, the usual answers
        given().header("X-API-Key", KeysRequired.KEY).get("/api/v1/deployments/nope").then().statusCode(404)
                .body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        given().header("X-API-Key", "wrong").get("/api/v1/system").then().statusCode(401)
                .body("error.message", containsString("not valid"));
    }

    @Test
    void healthStaysOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health").then().statusCode(200);
    }

    @Test
    void corsPreflightFromTheConfiguredOriginIsAnsweredWithoutAKey() {
        given().header("Origin", KeysRequired.ORIGIN).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/api/v1/deploy").then().statusCode(200)
                .header("Access-Control-Allow-Origin", KeysRequired.ORIGIN)
                .header("Access-Control-Allow-Headers", containsString("Authorization"));
        given().header("Origin", "https://evil.example.test").header("Access-Control-Request-Method", "POST")
                .options("/api/v1/deploy").then().header("Access-Control-Allow-Origin", nullValue());
        // the actual call from that origin still needs the key
        given().header("Origin", KeysRequired.ORIGIN).get("/api/v1/system").then().statusCode(401);
        given().header("Origin", KeysRequired.ORIGIN).header("X-API-Key", KeysRequired.KEY).get("/api/v1/system")
                .then().statusCode(200).header("Access-Control-Allow-Origin", KeysRequired.ORIGIN);
    }

    @Test
    void progressSocketTakesTheKeyAsHeaderOrTokenParameter() throws Exception {
        String ws = "ws://" + base.getHost() + ":" + base.getPort() + "/api/v1/ws/unknown-deployment";
        CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> connect(URI.create(ws), null).join());
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
        assertThrows401(URI.create(ws + "?token=wrong"));

        assertTrue(firstMessage(URI.create(ws + "?token=" + KeysRequired.KEY), null).contains("DEPLOYMENT_NOT_FOUND"));
        assertTrue(firstMessage(URI.create(ws), KeysRequired.OTHER_KEY).contains("DEPLOYMENT_NOT_FOUND"));
    }

    @Test
    void dedicatedPortNeedsTheKeyForPredictButNotForHealth() throws Exception {
        RequestSpecification keyed = given().header("Authorization", "Bearer " + KeysRequired.KEY);
        keyed.contentType(ContentType.JSON).body(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "guarded",
                "dedicated_port", true)).post("/api/v1/deploy").then().statusCode(202);
        String endpoint = awaitEndpoint();
        URI predict = URI.create(endpoint);
        String root = "http://127.0.0.1:" + predict.getPort();
        unauthorized(given().baseUri(root).contentType(ContentType.JSON).body(Map.of("inputs", "great")), "POST", "/predict");
        // every path of the port is the main port's route behind it, key included; unknown ones too
        for (String path : new String[]{"/", "/generate", "/generate_stream", "/v1/chat/completions", "/v1/models",
                "/no-such-route", "/api/v1/system"}) {
            unauthorized(given().baseUri(root).contentType(ContentType.JSON).body(Map.of("inputs", "great")), "POST", path);
        }
        given().baseUri(root).get("/health").then().statusCode(200).body("status", equalTo("UP"));
        given().baseUri(root).header("X-API-Key", KeysRequired.KEY).contentType(ContentType.JSON)
                .body(Map.of("inputs", "great")).post("/").then().statusCode(200).body("[0][0].label", notNullValue());
        keyed.contentType(ContentType.JSON).body(Map.of("inputs", "great")).post("/models/guarded").then().statusCode(200)
                .body("[0][0].label", notNullValue());
        given().baseUri(root).header("X-API-Key", KeysRequired.KEY).contentType(ContentType.JSON)
                .body(Map.of("inputs", "great")).post("/predict").then().statusCode(200)
                .body("status", equalTo("success")).body("result[0].label", notNullValue())
                .body(not(containsString("UNAUTHORIZED")));
        keyed.delete("/api/v1/deployments/guarded").then().statusCode(200);
    }

    private static String awaitEndpoint() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = null;
        while (System.nanoTime() < end) {
            var d = given().header("X-API-Key", KeysRequired.KEY).get("/api/v1/deployments/guarded").then()
                    .statusCode(200).extract().jsonPath();
            status = d.getString("status");
            if (status.equals("completed")) {
                return d.getString("endpoint");
            }
            if (status.equals("failed")) {
                throw new AssertionError(d.prettify());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("deployment not completed: " + status);
    }

    private static void assertThrows401(URI uri) {
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                () -> connect(uri, null).join());
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
    }

    private static String firstMessage(URI uri, String apiKey) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket socket = connect(uri, apiKey, first).join();
        try {
            return first.get(20, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }

    private static CompletableFuture<WebSocket> connect(URI uri, String apiKey) {
        return connect(uri, apiKey, new CompletableFuture<>());
    }

    private static CompletableFuture<WebSocket> connect(URI uri, String apiKey, CompletableFuture<String> first) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        return b.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                first.complete(data.toString());
                return null;
            }
        });
    }
}
