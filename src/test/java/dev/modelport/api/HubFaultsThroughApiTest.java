package dev.modelport.api;

import dev.modelport.runtime.Head;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each hub fault, met by a deployment made through POST /api/v1/deploy, and what its user sees:
 * a transient fault is retried or resumed and the deployment completes and serves; a permanent one
 * fails the deployment with the right code and a message naming the file, and leaves no trace of
 * that file in the cache.
 */
@QuarkusTest
class HubFaultsThroughApiTest {
    private static final String WEIGHTS = "model.safetensors";

    /** A hub fault; {@code null} code = transient (the deployment must complete). */
    enum Fault {
        CONNECTION_CUT_MID_FILE(null, null, false),
        SERVER_ERROR_ONCE(null, null, false),
        TOO_MANY_REQUESTS_WITH_RETRY_AFTER(null, null, false),
        STALL_MID_FILE(null, null, false),
        TRUNCATED_BODY_WITH_FULL_LENGTH_HEADER(null, null, false),
        REDIRECT_TO_DEAD_HOST("DOWNLOAD_FAILED", "could not connect", true),
        WRONG_LINKED_SIZE("DOWNLOAD_FAILED", "size", false),
        WRONG_SHA256("CHECKSUM_MISMATCH", "sha256", false);

        final String code;
        final String messagePart;
        /** A network failure keeps what arrived for a later resume; a wrong file keeps nothing. */
        final boolean keepsPartial;

        Fault(String code, String messagePart, boolean keepsPartial) {
            this.code = code;
            this.messagePart = messagePart;
            this.keepsPartial = keepsPartial;
        }

        /** FakeHub's /_faults JSON for this fault on the repo's weights. */
        String json(String repo, long weightBytes) {
            String file = "{\"repo\": \"" + repo + "\", \"path\": \"" + WEIGHTS + "\"";
            return switch (this) {
                // paced, so the bytes sent before the reset have arrived and are resumed from
                case CONNECTION_CUT_MID_FILE -> "{\"drop_after_bytes\": " + weightBytes / 2 + ", \"rate_bps\": 2000000}";
                case SERVER_ERROR_ONCE -> "{\"status_once\": 500}";
                case TOO_MANY_REQUESTS_WITH_RETRY_AFTER -> "{\"too_many_requests_once\": 1}";
                // longer than the service's stall timeout (5 s in TestHub): dropped and resumed, not waited out
                case STALL_MID_FILE -> "{\"stall_after_bytes\": " + weightBytes / 3 + ", \"stall_ms\": 60000}";
                case TRUNCATED_BODY_WITH_FULL_LENGTH_HEADER -> "{\"truncate_after_bytes\": " + weightBytes / 2 + "}";
                case REDIRECT_TO_DEAD_HOST -> "{\"redirect_lfs_to_dead_host\": true}";
                case WRONG_LINKED_SIZE -> "{\"wrong_linked_size\": " + file + ", \"size\": " + (weightBytes + 1) + "}}";
                case WRONG_SHA256 -> "{\"wrong_sha256\": " + file + "}}";
            };
        }

        String id() {
            return "fault-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @ConfigProperty(name = "modelport.storage.hub-cache")
    String cache;
    HubControl hub;

    @BeforeEach
    void connectHub() {
        hub = HubControl.ofService();
    }

    @AfterEach
    void clearFaults() {
        hub.clearFaults();
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void deploymentMeetsAHubFault(Fault fault) throws Exception {
        String repo = hub.freshRepo(fault.id(), Head.SEQUENCE_CLASSIFICATION);
        Path served = hub.root().resolve(repo).resolve(WEIGHTS);
        long weightBytes = Files.size(served);
        assertTrue(weightBytes > 50_000, "the weights travel as an LFS file, where body faults act");
        hub.faults(fault.json(repo, weightBytes));

        deploy(Map.of("model_id", repo, "deployment_id", fault.id()));
        JsonPath d = awaitEnded(fault.id(), Duration.ofSeconds(120));
        assertFalse(hub.faultArmed(), "the fault hit this deployment's requests");
        Path repoCache = Path.of(cache).resolve("models--" + repo.replace("/", "--"));
        try {
            if (fault.code == null) {
                assertEquals("completed", d.getString("status"), d.prettify());
                given().contentType(ContentType.JSON).body(Map.of("inputs", "I love this product!"))
                        .post("/api/v1/deployments/" + fault.id() + "/inference").then().statusCode(200)
                        .body("status", equalTo("success"));
                assertArrayEquals(Files.readAllBytes(served), Files.readAllBytes(snapshotWeights(repoCache, repo)),
                        "the cached weights are the hub's, byte for byte");
            } else {
                assertEquals("failed", d.getString("status"), d.prettify());
                assertEquals(fault.code, d.getString("error.code"), d.prettify());
                String message = d.getString("error.message");
                assertTrue(message.contains(WEIGHTS) && message.toLowerCase(Locale.ROOT).contains(fault.messagePart),
                        "a message naming the file and the cause: " + message);
                assertNoTraceOfWeights(repoCache, repo, fault);
            }
        } finally {
            undeploy(fault.id());
        }
    }

    private Path snapshotWeights(Path repoCache, String repo) {
        return repoCache.resolve("snapshots").resolve(hub.commit(repo)).resolve(WEIGHTS);
    }

    /**
     * Neither a blob (under the real or the advertised sha256) nor a snapshot entry; a partial file only
     * where the failure was the network's (kept as a resume point) and then only a prefix of the real file.
     */
    private void assertNoTraceOfWeights(Path repoCache, String repo, Fault fault) throws Exception {
        assertFalse(Files.exists(snapshotWeights(repoCache, repo), LinkOption.NOFOLLOW_LINKS), "no snapshot entry");
        byte[] real = Files.readAllBytes(hub.root().resolve(repo).resolve(WEIGHTS));
        Path blobs = repoCache.resolve("blobs");
        for (String sha : Stream.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(real)), hub.sha256(repo, WEIGHTS)).distinct().toList()) {
            assertFalse(Files.exists(blobs.resolve(sha)), "no weights blob " + sha);
            Path partial = blobs.resolve(sha + ".incomplete");
            if (Files.exists(partial)) {
                byte[] kept = Files.readAllBytes(partial);
                assertTrue(fault.keepsPartial && Arrays.equals(real, 0, kept.length, kept, 0, kept.length),
                        "a partial file only as a valid resume point after a network failure: " + partial);
            }
        }
    }
}
