package dev.modelport.api;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and unusable models: a clear 4xx or a failed deployment with a stable code, never a 5xx. */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class ApiErrorsTest {
    @ConfigProperty(name = "modelport.hub.endpoint")
    String hubUrl;
    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    private static void rejects(Object body, int status, String code) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/deploy").then().statusCode(status)
                .body("status", equalTo("error")).body("error.code", equalTo(code))
                .body("error.message", notNullValue()).body(not(containsString("at dev.modelport")));
    }

    @Test
    void invalidDeployRequestsAreRejectedWithCodes() {
        rejects(Map.of("model_id", "../../etc/passwd"), 400, "INVALID_MODEL_ID");
        rejects(Map.of("model_id", "/etc/passwd"), 400, "INVALID_MODEL_ID");
        rejects(Map.of("model_id", "org/na..me"), 400, "INVALID_MODEL_ID");
        rejects(Map.of("model_id", "a".repeat(200) + "/b"), 400, "INVALID_MODEL_ID");
        rejects(Map.of(), 400, "INVALID_MODEL_ID");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "revision", "../main"), 400, "INVALID_REVISION");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "Bad_Id"), 400, "INVALID_DEPLOYMENT_ID");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "task", "image-generation"), 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "device", "tpu"), 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "dtype", "float8"), 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "dtype", "int8", "device", "gpu:0"), 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "max_batch_size", 0), 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", TestHub.SENTIMENT, "modelid", "x"), 400, "INVALID_REQUEST");
        rejects("{\"model_id\": ", 400, "INVALID_REQUEST");
        rejects("[1,2]", 400, "INVALID_REQUEST");
        rejects(Map.of("model_id", 42), 400, "INVALID_REQUEST");
    }

    @Test
    void oversizedBodiesGet413AndUnknownRoutesJson404() {
        given().contentType(ContentType.JSON).body("{\"model_id\": \"" + "x".repeat(11 * 1024 * 1024) + "\"}")
                .post("/api/v1/deploy").then().statusCode(413).body("error.code", equalTo("PAYLOAD_TOO_LARGE"));
        given().get("/api/v1/no-such-thing").then().statusCode(404).body("error.code", equalTo("NOT_FOUND"));
        given().get("/api/v1/deployments/no-such-deployment").then().statusCode(404)
                .body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "x")).post("/api/v1/deployments/nope/inference")
                .then().statusCode(404).body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        given().contentType(ContentType.TEXT).body("hello").post("/api/v1/deploy").then().statusCode(415)
                .body("error.code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
    }

    private static JsonPath failsWith(String model, String id, String code) throws InterruptedException {
        deploy(Map.of("model_id", model, "deployment_id", id));
        JsonPath d = awaitEnded(id, Duration.ofSeconds(60));
        assertEquals("failed", d.getString("status"), d.prettify());
        assertEquals(code, d.getString("error.code"), d.prettify());
        return d;
    }

    @Test
    void unusableModelsFailWithStableCodes() throws Exception {
        failsWith("test-org/does-not-exist", "missing", "MODEL_NOT_FOUND");
        String gated = failsWith(TestHub.GATED, "gated", "GATED_MODEL").getString("error.message");
        assertTrue(gated.contains("HF_TOKEN"), gated);
        JsonPath xlnet = failsWith(TestHub.XLNET, "xlnet", "UNSUPPORTED_ARCHITECTURE");
        assertTrue(xlnet.getString("error.message").contains("XLNetLMHeadModel"), xlnet.prettify());
        assertEquals("XLNetLMHeadModel", xlnet.getString("architecture"), "a refused model still names its architecture");
        assertEquals(10.0, xlnet.getDouble("progress"), "refused at validating, before any download");
        String unsafe = failsWith(TestHub.PICKLE_HOSTILE, "pickle", "UNSAFE_WEIGHTS").getString("error.message");
        assertTrue(unsafe.contains("posix.system") && unsafe.contains("nothing in it was run"), unsafe);
        failsWith(TestHub.NO_CONFIG, "no-config", "UNSUPPORTED_MODEL_FILES");
        deploy(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "bad-rev", "revision", "v9.9"));
        assertEquals("REVISION_NOT_FOUND", awaitEnded("bad-rev", Duration.ofSeconds(60)).getString("error.code"));
        given().get("/api/v1/deployments").then().body("deployments.deployment_id", hasItem("xlnet"));
        for (String id : new String[]{"missing", "gated", "xlnet", "pickle", "no-config", "bad-rev"}) {
            undeploy(id);
        }
    }

    @Test
    void inferenceOnADeploymentThatIsNotReadyIs409AndBadInputs400Or413() throws Exception {
        HubControl hub = new HubControl(hubUrl, hubRoot);
        hub.throttle(5_000);
        try {
            deploy(Map.of("model_id", TestHub.NER, "deployment_id", "not-ready"));
            given().contentType(ContentType.JSON).body(Map.of("inputs", "x")).post("/api/v1/deployments/not-ready/inference")
                    .then().statusCode(409).body("error.code", equalTo("DEPLOYMENT_NOT_READY"));
            rejects(Map.of("model_id", TestHub.NER, "deployment_id", "not-ready"), 409, "DEPLOYMENT_EXISTS");
        } finally {
            hub.clearFaults();
            undeploy("not-ready");
        }
        deploy(Map.of("model_id", TestHub.SENTIMENT, "deployment_id", "limits"));
        assertEquals("completed", awaitEnded("limits", Duration.ofSeconds(120)).getString("status"));
        String url = "/api/v1/deployments/limits/inference";
        given().contentType(ContentType.JSON).body(Map.of("nothing", 1)).post(url).then().statusCode(400)
                .body("error.code", equalTo("INVALID_INPUT"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", 42)).post(url).then().statusCode(400)
                .body("error.code", equalTo("INVALID_INPUT"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", "x".repeat(100_001))).post(url).then().statusCode(413)
                .body("error.code", equalTo("INPUT_TOO_LARGE"));
        given().contentType(ContentType.JSON).body(Map.of("inputs", java.util.Collections.nCopies(300, "hi"))).post(url)
                .then().statusCode(413).body("error.code", equalTo("INPUT_TOO_LARGE"));
        undeploy("limits");
    }

    @Test
    void preflightReportsFilesTaskAndVerdict() {
        given().get("/api/v1/models/" + TestHub.SENTIMENT).then().statusCode(200)
                .body("supported", equalTo(true)).body("task", equalTo("text-classification"))
                .body("architecture", equalTo("BertForSequenceClassification"))
                .body("files.find { it.path == 'model.safetensors' }.selected", equalTo(true))
                .body("files.find { it.path == 'pytorch_model.bin' }.selected", equalTo(false))
                .body("files.find { it.path == 'pytorch_model.bin' }.reason", notNullValue())
                .body("files.find { it.path == 'onnx/model.onnx' }.selected", equalTo(false))
                .body("download_bytes", org.hamcrest.Matchers.greaterThan(0))
                .body("available_tasks", hasItem("text-classification"));
        // the estimate for every precision: a float32 checkpoint halves in 16 bits, int8 is CPU only
        io.restassured.path.json.JsonPath memory = given().get("/api/v1/models/" + TestHub.SENTIMENT).then().statusCode(200)
                .extract().jsonPath();
        long f32 = memory.getLong("memory_by_dtype.cpu.float32");
        assertEquals(f32, memory.getLong("memory_by_dtype.cpu.auto"));
        assertEquals(f32 / 2, memory.getLong("memory_by_dtype.cpu.bfloat16"));
        assertEquals(f32 / 2, memory.getLong("memory_by_dtype.gpu.float16"));
        assertTrue(memory.getLong("memory_by_dtype.cpu.int8") < f32 / 2);
        assertNull(memory.get("memory_by_dtype.gpu.int8"));
        given().get("/api/v1/models/" + TestHub.XLNET).then().statusCode(200).body("supported", equalTo(false))
                .body("reason", containsString("XLNetLMHeadModel")).body("reason_code", equalTo("UNSUPPORTED_ARCHITECTURE"))
                .body("architecture", equalTo("XLNetLMHeadModel"))
                .body("reason", not(containsString("BertForMaskedLM")));
        given().get("/api/v1/models/test-org/does-not-exist").then().statusCode(404).body("error.code", equalTo("MODEL_NOT_FOUND"));
        given().get("/api/v1/models/" + TestHub.GATED).then().statusCode(403).body("error.code", equalTo("GATED_MODEL"));
        given().get("/api/v1/models/test-org/..").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(400), equalTo(404)));
        given().get("/api/v1/models/" + TestHub.SENTIMENT + "?revision=nope").then().statusCode(404)
                .body("error.code", equalTo("REVISION_NOT_FOUND"));
    }

    @Test
    void systemListsDevicesEngineAndLimits() {
        given().get("/api/v1/system").then().statusCode(200).body("devices[0].id", equalTo("cpu"))
                .body("devices[0].cores", org.hamcrest.Matchers.greaterThan(0)).body("engine.name", equalTo("PyTorch"))
                .body("limits.max_model_size_gb", notNullValue()).body("disk.free_bytes", org.hamcrest.Matchers.greaterThan(0L));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/deploy"));
    }
}
