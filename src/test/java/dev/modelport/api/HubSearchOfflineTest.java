package dev.modelport.api;

import dev.modelport.hub.Cancellation;
import dev.modelport.hub.HubClient;
import dev.modelport.hub.HubSettings;
import dev.modelport.hub.ModelInfo;
import dev.modelport.runtime.Head;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With HF_HUB_OFFLINE=1 the model search does not ask the Hub (its endpoint here answers nothing) and says so;
 * it lists the models of the local cache, each checked from its cached config.json and files.
 */
@QuarkusTest
@TestProfile(HubSearchOfflineTest.Offline.class)
class HubSearchOfflineTest {
    static final String CACHED = "cached-org/tiny-sentiment";
    static final String CACHED_UNSUPPORTED = "cached-org/tiny-xlnet";

    /** A cache filled from a test hub that is then stopped; the service runs offline on it. */
    public static class Offline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path dir = Files.createTempDirectory("modelport-offline-search");
                Path root = dir.resolve("hub");
                TinyCheckpoints.bert(root.resolve(CACHED), Head.SEQUENCE_CLASSIFICATION);
                Path xlnet = Files.createDirectories(root.resolve(CACHED_UNSUPPORTED));
                Files.writeString(xlnet.resolve("config.json"), "{\"architectures\": [\"XLNetLMHeadModel\"], \"model_type\": \"xlnet\"}");
                Files.write(xlnet.resolve("model.safetensors"), new byte[64]);
                Files.writeString(xlnet.resolve("tokenizer.json"), "{}");
                Path cache = dir.resolve("cache");
                try (FakeHub hub = FakeHub.start(root)) {
                    HubClient client = new HubClient(new HubSettings(hub.url(), null, false, cache, Duration.ofMinutes(1),
                            Duration.ofSeconds(10), 1, 2));
                    for (String repo : List.of(CACHED, CACHED_UNSUPPORTED)) {
                        ModelInfo info = client.modelInfo(repo, "main");
                        client.download(info, client.selectFiles(info).selected(), (f, d, t) -> { }, new Cancellation());
                    }
                }
                return Map.of(
                        "modelport.hub.offline", "true",
                        "modelport.hub.endpoint", "http://127.0.0.1:9",
                        "modelport.storage.hub-cache", cache.toString(),
                        "modelport.storage.model-storage-path", dir.resolve("deployed").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void offlineTheSearchListsTheCacheAndSaysSo() {
        JsonPath answer = given().queryParam("search", "cached-org").get("/api/v1/hub/models").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(true, answer.getBoolean("offline"));
        assertEquals("cache", answer.getString("source"));
        assertTrue(answer.getString("message").contains("HF_HUB_OFFLINE"), answer.prettify());
        assertEquals(List.of(CACHED, CACHED_UNSUPPORTED), answer.getList("models.model_id"));
        assertEquals(true, answer.getBoolean("models[0].runs_here"), answer.prettify());
        assertEquals("BertForSequenceClassification", answer.getString("models[0].architecture"));
        assertTrue(answer.getLong("models[0].download_bytes") > 0);
        assertEquals(false, answer.getBoolean("models[1].runs_here"));
        assertEquals("UNSUPPORTED_ARCHITECTURE", answer.getString("models[1].reason_code"));

        List<String> none = given().queryParam("search", "gpt2").get("/api/v1/hub/models").then().statusCode(200)
                .extract().jsonPath().getList("models");
        assertEquals(List.of(), none, "nothing cached matches");
    }
}
