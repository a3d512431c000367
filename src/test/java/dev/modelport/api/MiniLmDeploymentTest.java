package dev.modelport.api;

import dev.modelport.testing.minilm.MiniLmRepo;
import dev.modelport.testing.minilm.OnnxReference;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real sentence-transformers/all-MiniLM-L6-v2 (rebuilt from the ONNX export in a Maven jar), served
 * by the hub stand-in, deployed through the API as a user would, and compared with ONNX Runtime on the
 * original export.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class MiniLmDeploymentTest {
    private static final String MODEL = "sentence-transformers/all-MiniLM-L6-v2";
    private static final List<String> TEXTS = List.of(
            "A man is playing a guitar.",
            "Crème brûlée à la française, s'il vous plaît — naïve café résumé.",
            "I love this 😀🚀 and that 👍",
            "東京は日本の首都です。",
            ("Modelport downloads only the files a deployment needs, verifies them, loads the weights with the "
                    + "PyTorch engine and serves the pipeline with live progress over a WebSocket. ").repeat(6),
            "short");

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @Test
    void embeddingsThroughTheApiMatchOnnxRuntime() throws Exception {
        copyTree(MiniLmRepo.folder(), Path.of(hubRoot).resolve(MODEL));
        deploy(Map.of("model_id", MODEL, "deployment_id", "minilm", "task", "feature-extraction"));
        JsonPath d = awaitEnded("minilm", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("feature-extraction", d.getString("task"));

        List<List<Float>> ours = given().contentType(ContentType.JSON)
                .body(Map.of("inputs", TEXTS, "parameters", Map.of()))
                .post("/api/v1/deployments/minilm/inference").then().statusCode(200)
                .extract().jsonPath().getList("result");
        try (OnnxReference ort = new OnnxReference(MiniLmRepo.folder().resolve("tokenizer.json"), 1)) {
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] ref = ort.embed(List.of(TEXTS.get(i)))[0];
                float[] got = toArray(ours.get(i));
                double cos = OnnxReference.cosine(ref, got);
                assertTrue(cos >= 0.9999, "cosine " + cos + " for input " + i);
            }
        }
        // one input alone gives the same vector as inside the padded batch
        List<Float> alone = given().contentType(ContentType.JSON).body(Map.of("inputs", TEXTS.get(1)))
                .post("/api/v1/deployments/minilm/inference").then().statusCode(200)
                .extract().jsonPath().getList("result");
        assertTrue(OnnxReference.cosine(toArray(alone), toArray(ours.get(1))) >= 0.99999);
        undeploy("minilm");
    }

    @Test
    void anInt8DeploymentReportsItsMeasuredErrorAndItsSmallerMemory() throws Exception {
        copyTree(MiniLmRepo.folder(), Path.of(hubRoot).resolve(MODEL));
        deploy(Map.of("model_id", MODEL, "deployment_id", "minilm-int8", "task", "feature-extraction", "dtype", "int8"));
        JsonPath d = awaitEnded("minilm-int8", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("int8", d.getString("dtype"));
        float minCosine = d.getFloat("quantization_error.min_cosine");
        assertTrue(minCosine > 0.9 && minCosine <= d.getFloat("quantization_error.mean_cosine"), d.prettify());
        assertTrue(d.getInt("quantization_error.rows") > 0, d.prettify());
        long fileBytes = Files.size(MiniLmRepo.folder().resolve("model.safetensors"));
        assertTrue(d.getLong("memory_bytes") < fileBytes / 2, "int8 weights " + d.getLong("memory_bytes")
                + " bytes, float32 file " + fileBytes);
        List<Float> vector = given().contentType(ContentType.JSON).body(Map.of("inputs", TEXTS.get(0)))
                .post("/api/v1/deployments/minilm-int8/inference").then().statusCode(200)
                .extract().jsonPath().getList("result");
        try (OnnxReference ort = new OnnxReference(MiniLmRepo.folder().resolve("tokenizer.json"), 1)) {
            double cos = OnnxReference.cosine(ort.embed(List.of(TEXTS.get(0)))[0], toArray(vector));
            assertTrue(cos > 0.9, "int8 embedding cosine " + cos);
        }
        undeploy("minilm-int8");
    }

    @Test
    void autoExplainsItsChoiceOfPrecision() throws Exception {
        copyTree(MiniLmRepo.folder(), Path.of(hubRoot).resolve(MODEL));
        deploy(Map.of("model_id", MODEL, "deployment_id", "minilm-auto", "task", "feature-extraction"));
        JsonPath d = awaitEnded("minilm-auto", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        // a float32 checkpoint stays float32, and the deployment says why
        assertEquals("float32", d.getString("dtype"));
        assertEquals("the checkpoint is float32", d.getString("dtype_reason"));
        assertNull(d.getMap("quantization_error"));
        undeploy("minilm-auto");
    }

    private static float[] toArray(List<? extends Number> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).floatValue();
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                Path target = to.resolve(from.relativize(f).toString());
                try {
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
