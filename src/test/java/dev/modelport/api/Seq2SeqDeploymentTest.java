package dev.modelport.api;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static dev.modelport.api.ApiTestSupport.undeploy;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Encoder-decoder golden checkpoints (scripts/goldens/cases_seq2seq.py) published on the hub stand-in
 * and deployed through the API as a user would: a BART repo tagged summarization and a Marian repo
 * tagged translation get those tasks, answer transformers 4.57's pipeline outputs on the inference
 * route, stream greedy tokens as Server-Sent Events (the tokens' texts
 * concatenate to the text the same request answers unstreamed; the same over the deployment's
 * WebSocket with {@code ?generate=true}), refuse a streamed beam search
 * before the stream starts. A Marian repo laid out as Helsinki-NLP/opus-mt-* (MarianTokenizer's
 * source.spm, target.spm and vocab.json, no tokenizer.json: the marian-spm golden) deploys and
 * translates exactly as transformers' MarianTokenizer + MarianMTModel do; one with no tokenizer files at
 * all is refused, saying which files Modelport reads.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class Seq2SeqDeploymentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    @TestHTTPResource("/")
    URI base;

    private JsonNode publish(String golden, String repo, String hubMeta, boolean withTokenizer) throws Exception {
        Path source = Path.of(getClass().getClassLoader().getResource("goldens/" + golden).toURI());
        Path target = Path.of(hubRoot).resolve(repo);
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path p : paths.toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!name.startsWith("golden.") && (withTokenizer || !name.equals("tokenizer.json"))) {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(target.resolve(".hubmeta.json"), hubMeta);
        return JSON.readTree(source.resolve("golden.json").toFile());
    }

    private static Response post(String path, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static JsonNode result(String deployment, Object inputs, JsonNode parameters) throws Exception {
        return JSON.readTree(post("/api/v1/deployments/" + deployment + "/inference",
                Map.of("inputs", inputs, "parameters", JSON.convertValue(parameters, Map.class)))
                .then().statusCode(200).extract().asString()).get("result");
    }

    @Test
    void aBartSummarizerAnswersAsTransformersAndStreams() throws Exception {
        String repo = "test-org/tiny-bart-cnn";
        JsonNode golden = publish("bart", repo, "{\"pipeline_tag\": \"summarization\"}", true);
        JsonPath preflight = given().get("/api/v1/models/" + repo).then().statusCode(200).extract().jsonPath();
        assertTrue(preflight.getBoolean("supported"), preflight.prettify());
        assertEquals("BartForConditionalGeneration", preflight.getString("architecture"));
        assertEquals("summarization", preflight.getString("task"));
        assertTrue(preflight.getList("available_tasks").containsAll(List.of("summarization", "translation", "text2text-generation")),
                preflight.prettify());

        deploy(Map.of("model_id", repo, "deployment_id", "bart-sum"));
        JsonPath d = awaitEnded("bart-sum", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("summarization", d.getString("task"));
        try {
            for (JsonNode p : golden.get("pipelines")) {
                if (!p.get("task").asText().equals("summarization")) {
                    continue;
                }
                Object inputs = JSON.convertValue(p.get("inputs"), Object.class);
                assertEquals(p.get("output"), result("bart-sum", inputs, p.get("parameters")),
                        "summarization of " + p.get("inputs") + " with " + p.get("parameters"));
            }
            streamsTheGreedyText("bart-sum", "the quick brown fox jumps over the lazy dog", "summary_text");
            // a streamed beam search is refused before any event
            JsonPath refused = post("/api/v1/deployments/bart-sum/inference", Map.of("inputs", "hello world",
                    "stream", true, "parameters", Map.of("num_beams", 3))).then().statusCode(400).extract().jsonPath();
            assertEquals("INVALID_INPUT", refused.getString("error.code"));
            assertTrue(refused.getString("error.message").contains("greedily"), refused.prettify());
            // transformers' generation parameters that Modelport does not implement are refused, not ignored
            post("/api/v1/deployments/bart-sum/inference", Map.of("inputs", "hello world",
                    "parameters", Map.of("num_beam_groups", 2, "diversity_penalty", 0.5))).then().statusCode(400);
        } finally {
            undeploy("bart-sum");
        }
    }

    @Test
    void aMarianTranslatorWithATokenizerJsonTranslatesAndOneWithoutAnyTokenizerIsRefused() throws Exception {
        String repo = "test-org/tiny-opus-mt-en-xx";
        JsonNode golden = publish("marian", repo, "{\"pipeline_tag\": \"translation\"}", true);
        deploy(Map.of("model_id", repo, "deployment_id", "opus"));
        JsonPath d = awaitEnded("opus", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("translation", d.getString("task"));
        assertEquals("MarianMTModel", d.getString("architecture"));
        try {
            for (JsonNode p : golden.get("pipelines")) {
                Object inputs = JSON.convertValue(p.get("inputs"), Object.class);
                assertEquals(p.get("output"), result("opus", inputs, p.get("parameters")),
                        "translation of " + p.get("inputs") + " with " + p.get("parameters"));
            }
            streamsTheGreedyText("opus", "Marie lives in Paris and John lives in London.", "translation_text");
            streamsOverTheWebSocket("opus", "hello world", "translation_text");
        } finally {
            undeploy("opus");
        }

        String bare = "test-org/tiny-opus-mt-no-tokenizer";
        publish("marian", bare, "{\"pipeline_tag\": \"translation\"}", false);
        JsonPath preflight = given().get("/api/v1/models/" + bare).then().statusCode(200).extract().jsonPath();
        assertFalse(preflight.getBoolean("supported"), preflight.prettify());
        assertTrue(preflight.getString("reason").contains("source.spm"), preflight.prettify());
    }

    @Test
    void anOpusMtRepoWithMarianTokenizerFilesTranslatesAsTransformers() throws Exception {
        String repo = "test-org/tiny-opus-mt-spm";
        JsonNode golden = publish("marian-spm", repo, "{\"pipeline_tag\": \"translation\"}", true);
        JsonPath preflight = given().get("/api/v1/models/" + repo).then().statusCode(200).extract().jsonPath();
        assertTrue(preflight.getBoolean("supported"), preflight.prettify());
        assertTrue(preflight.getBoolean("has_tokenizer"), preflight.prettify());
        assertEquals("translation", preflight.getString("task"));
        for (String file : List.of("source.spm", "target.spm", "vocab.json")) {
            assertTrue(preflight.getList("files.findAll { it.selected }.path").contains(file), preflight.prettify());
        }
        deploy(Map.of("model_id", repo, "deployment_id", "opus-spm"));
        JsonPath d = awaitEnded("opus-spm", Duration.ofSeconds(300));
        assertEquals("completed", d.getString("status"), d.prettify());
        assertEquals("translation", d.getString("task"));
        try {
            int checked = 0;
            for (JsonNode p : golden.get("pipelines")) {
                Object inputs = JSON.convertValue(p.get("inputs"), Object.class);
                assertEquals(p.get("output"), result("opus-spm", inputs, p.get("parameters")),
                        "translation of " + p.get("inputs") + " with " + p.get("parameters"));
                checked++;
            }
            assertTrue(checked >= 3, "translation goldens");
            streamsTheGreedyText("opus-spm", "Élodie a mangé une crème brûlée à Noël.", "translation_text");
        } finally {
            undeploy("opus-spm");
        }
    }

    /** Tokens over {@code WS /api/v1/ws/{id}?generate=true}, as text-generation sends them. */
    private void streamsOverTheWebSocket(String deployment, String input, String key) throws Exception {
        String text = result(deployment, input, JSON.valueToTree(Map.of("max_new_tokens", 8, "num_beams", 1)))
                .get(0).get(key).asText();
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        frames.add(JSON.readTree(partial.toString()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    partial.setLength(0);
                }
                socket.request(1);
                return null;
            }
        };
        String ws = base.toString().replace("localhost", "127.0.0.1").replaceFirst("^http", "ws")
                + "api/v1/ws/" + deployment + "?generate=true";
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(ws), listener).join();
        try {
            JsonNode frame;
            do {
                frame = frames.poll(60, TimeUnit.SECONDS);
                assertTrue(frame != null, "the progress history");
            } while (frame.has("status") && !frame.get("status").asText().equals("completed"));
            socket.sendText(JSON.writeValueAsString(Map.of("inputs", input, "parameters", Map.of("max_new_tokens", 8),
                    "request_id", "w")), true).join();
            StringBuilder joined = new StringBuilder();
            String last = null;
            while (last == null) {
                frame = frames.poll(60, TimeUnit.SECONDS);
                assertTrue(frame != null && frame.has("token"), "a token frame: " + frame);
                assertEquals("w", frame.get("request_id").asText());
                joined.append(frame.get("token").get("text").asText());
                last = frame.get("generated_text").isNull() ? null : frame.get("generated_text").asText();
            }
            assertEquals(text, last, "the WebSocket stream ends with the unstreamed text");
            assertEquals(text, joined.toString());
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    /**
     * The same request streamed and not: one event per token, the texts concatenating to the final
     * generated_text, which equals the unstreamed answer with num_beams 1.
     */
    private static void streamsTheGreedyText(String deployment, String input, String key) throws Exception {
        Map<String, Object> parameters = Map.of("max_new_tokens", 8);
        JsonNode plain = result(deployment, input, JSON.valueToTree(Map.of("max_new_tokens", 8, "num_beams", 1)));
        String text = plain.get(0).get(key).asText();
        Response sse = post("/api/v1/deployments/" + deployment + "/inference",
                Map.of("inputs", input, "parameters", parameters, "stream", true));
        assertEquals(200, sse.statusCode(), sse.asString());
        assertTrue(sse.contentType().startsWith("text/event-stream"), sse.contentType());
        List<JsonNode> events = new ArrayList<>();
        for (String line : sse.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring("data: ".length())));
            }
        }
        assertFalse(events.isEmpty(), sse.asString());
        assertTrue(events.size() <= 8, "at most max_new_tokens events: " + events.size());
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            joined.append(e.get("token").get("text").asText());
            if (i < events.size() - 1) {
                assertTrue(e.get("generated_text").isNull(), e.toString());
            } else {
                assertEquals(text, e.get("generated_text").asText(), "the stream ends with the unstreamed text");
                assertTrue(List.of("length", "eos_token").contains(e.get("details").get("finish_reason").asText()), e.toString());
            }
        }
        assertEquals(text, joined.toString(), "streamed tokens concatenate to the text");
    }
}
