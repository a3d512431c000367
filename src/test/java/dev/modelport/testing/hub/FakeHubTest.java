package dev.modelport.testing.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-in speaks the Hub protocol the way shared/contract/hub.py does, faults included. */
class FakeHubTest {
    private static final String REPO = "org/model";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;
    FakeHub hub;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] weights = new byte[300_000];

    @BeforeEach
    void setUp() {
        new Random(1).nextBytes(weights);
        FakeHub.writeFile(root, REPO, "config.json", "{\"architectures\":[\"BertModel\"],\"model_type\":\"bert\"}".getBytes());
        FakeHub.writeFile(root, REPO, "model.safetensors", weights);
        FakeHub.writeFile(root, REPO, "1_Pooling/config.json", "{}".getBytes());
        FakeHub.writeFile(root, REPO, ".hubmeta.json", "{\"pipeline_tag\":\"feature-extraction\",\"tags\":[\"bert\"]}".getBytes());
        hub = FakeHub.start(root).lfsThreshold(100_000);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void modelInfoListsSizesShasAndHubMeta() throws Exception {
        JsonNode info = json(get("/api/models/org/model/revision/main?blobs=true"));
        assertEquals(hub.commit(REPO), info.get("sha").asText());
        assertEquals("feature-extraction", info.get("pipeline_tag").asText());
        assertEquals("bert", info.get("tags").get(0).asText());
        assertEquals(3, info.get("siblings").size(), "three files; .hubmeta.json is not listed");
        JsonNode st = null;
        for (JsonNode s : info.get("siblings")) {
            if (s.get("rfilename").asText().equals("model.safetensors")) {
                st = s;
            }
        }
        assertEquals(weights.length, st.get("size").asLong());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights)),
                st.get("lfs").get("sha256").asText());
    }

    @Test
    void treeListsRecursivelyOrByFolder() throws Exception {
        assertEquals(3, json(get("/api/models/org/model/tree/main?recursive=true")).size());
        JsonNode flat = json(get("/api/models/org/model/tree/main"));
        assertTrue(flat.toString().contains("\"type\":\"directory\""));
    }

    @Test
    void lfsFilesRedirectToCdnAndHonourRange() throws Exception {
        HttpResponse<byte[]> r = get("/org/model/resolve/main/model.safetensors");
        assertEquals(302, r.statusCode());
        assertEquals(hub.commit(REPO), r.headers().firstValue("X-Repo-Commit").orElseThrow());
        assertEquals("\"" + hub.sha256(REPO, "model.safetensors") + "\"", r.headers().firstValue("X-Linked-Etag").orElseThrow());
        assertEquals(String.valueOf(weights.length), r.headers().firstValue("X-Linked-Size").orElseThrow());
        String location = r.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> part = get(location, "Range", "bytes=1000-");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(weights, 1000, weights.length), part.body());
        assertEquals(weights.length - 1000, hub.bytesServed(REPO, "model.safetensors"));
        assertEquals(1, hub.resolveRequests(REPO, "model.safetensors"));
    }

    @Test
    void revisionsByTagAndCommitAndUnknownOnes() throws Exception {
        hub.addRef(REPO, "v1.0");
        assertEquals(200, get("/org/model/resolve/v1.0/config.json").statusCode());
        assertEquals(200, get("/org/model/resolve/" + hub.commit(REPO) + "/config.json").statusCode());
        HttpResponse<byte[]> r = get("/api/models/org/model/revision/nope");
        assertEquals("RevisionNotFound", r.headers().firstValue("X-Error-Code").orElseThrow());
        assertEquals("RepoNotFound", get("/api/models/org/other/revision/main").headers().firstValue("X-Error-Code").orElseThrow());
        assertEquals("EntryNotFound", get("/org/model/resolve/main/nope.bin").headers().firstValue("X-Error-Code").orElseThrow());
    }

    @Test
    void gatedRepoNeedsTheToken() throws Exception {
        hub.gate(REPO);
        assertEquals("GatedRepo", get("/org/model/resolve/main/config.json").headers().firstValue("X-Error-Code").orElseThrow());
        assertEquals(200, get("/org/model/resolve/main/config.json", "Authorization", "Bearer " + FakeHub.TOKEN).statusCode());
    }

    @Test
    void dropCutsTheBodyOnceAfterNBytes() throws Exception {
        hub.dropAfterBytes(50_000);
        String location = get("/org/model/resolve/main/model.safetensors").headers().firstValue("Location").orElseThrow();
        assertThrows(IOException.class, () -> get(location));
        assertEquals(50_000, hub.bytesServed(REPO, "model.safetensors"));
        assertArrayEquals(weights, get(location).body());
    }

    @Test
    void statusOnceAndRetryAfter() throws Exception {
        hub.tooManyRequestsOnce(3);
        HttpResponse<byte[]> r = get("/org/model/resolve/main/config.json");
        assertEquals(429, r.statusCode());
        assertEquals("3", r.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(200, get("/org/model/resolve/main/config.json").statusCode());
    }

    @Test
    void smallFileRedirectServesTheSameBytes() throws Exception {
        hub.redirectSmallFiles(true);
        HttpResponse<byte[]> r = get("/org/model/resolve/main/config.json");
        assertEquals(307, r.statusCode());
        String body = new String(get(r.headers().firstValue("Location").orElseThrow()).body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("BertModel"));
    }
}
