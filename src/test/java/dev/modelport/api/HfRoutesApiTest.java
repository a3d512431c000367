package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.models.TinyCheckpoints;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The raw Hugging Face routes ({@code POST /models/{id}}, TGI's {@code /generate} and
 * {@code /generate_stream}, the OpenAI routes under {@code /models/{id}/v1}) answer the bare shapes
 * {@code huggingface_hub.InferenceClient} and TGI's clients parse, for every task; a dedicated port
 * serves the same routes through the main port's router (streaming, errors and limits included) and
 * reaches its own deployment only; unknown API-ish paths answer the JSON 404.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class HfRoutesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILL_MASK = "test-org/hf-tiny-fill-mask";
    private static final String QA = "test-org/hf-tiny-qa";
    private static final String BASE = "test-org/hf-tiny-base";
    private static final String NLI = "test-org/hf-tiny-nli";
    private static final String CHAT = "test-org/hf-tiny-llama-chat";
    private static boolean deployed;

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;
    @ConfigProperty(name = "modelport.limits.max-body-bytes")
    long maxBodyBytes;

    @BeforeEach
    void deployOnce() throws Exception {
        if (deployed) {
            return;
        }
        Path root = Path.of(hubRoot);
        if (!Files.isDirectory(root.resolve(CHAT))) {
            TinyCheckpoints.bert(root.resolve(FILL_MASK), Head.MASKED_LM);
            TinyCheckpoints.bert(root.resolve(QA), Head.QUESTION_ANSWERING);
            TinyCheckpoints.bert(root.resolve(BASE), Head.BASE);
            TinyCheckpoints.builder(TinyCheckpoints.Family.BERT, Head.SEQUENCE_CLASSIFICATION)
                    .labels(List.of("contradiction", "neutral", "entailment")).write(root.resolve(NLI));
            TinyDecoders.llama(root.resolve(CHAT), TinyDecoders.Family.QWEN2, 2, 32, 4, 2, 48, true, null, 1, 23);
        }
        String[][] deployments = {
                {"hf-cls", TestHub.SENTIMENT, "text-classification", "true"},
                {"hf-ner", TestHub.NER, "token-classification", "false"},
                {"hf-mask", FILL_MASK, "fill-mask", "false"},
                {"hf-qa", QA, "question-answering", "false"},
                {"hf-features", BASE, "feature-extraction", "false"},
                {"hf-similarity", BASE, "sentence-similarity", "false"},
                {"hf-zero-shot", NLI, "zero-shot-classification", "false"},
                {"hf-chat", CHAT, "text-generation", "true"}};
        for (String[] d : deployments) {
            deploy(Map.of("model_id", d[1], "deployment_id", d[0], "task", d[2], "dedicated_port", Boolean.parseBoolean(d[3])));
        }
        for (String[] d : deployments) {
            JsonPath state = awaitEnded(d[0], Duration.ofSeconds(180));
            assertEquals("completed", state.getString("status"), state.prettify());
        }
        deployed = true;
    }

    private static Response post(RequestSpecification on, String path, Object body) {
        return on.contentType(ContentType.JSON).body(body).post(path);
    }

    private static JsonNode bare(RequestSpecification on, String path, Object body) throws Exception {
        Response r = post(on, path, body);
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        return JSON.readTree(r.asString());
    }

    private static JsonNode wrapped(String id, Object body) throws Exception {
        return JSON.readTree(post(given(), "/api/v1/deployments/" + id + "/inference", body).then().statusCode(200)
                .extract().asString()).get("result");
    }

    private static RequestSpecification port(String id) {
        String endpoint = given().get("/api/v1/deployments/" + id).jsonPath().getString("endpoint");
        assertNotNull(endpoint, id + " has a dedicated port");
        return given().baseUri("http://127.0.0.1").port(URI.create(endpoint).getPort());
    }

    /** The JSON of each {@code data:} line of an SSE body. */
    private static List<JsonNode> events(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("text/event-stream"), r.contentType());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data:")) {
                out.add(JSON.readTree(line.substring("data:".length()).strip()));
            }
        }
        assertFalse(out.isEmpty(), r.asString());
        return out;
    }

    @Test
    void everyEncoderTaskAnswersTheInferenceApisBareShape() throws Exception {
        // text-classification of one string: a list of label lists, as the Inference API answers it
        JsonNode cls = bare(given(), "/models/hf-cls", Map.of("inputs", "a great day"));
        assertTrue(cls.get(0).get(0).get("label").isTextual() && cls.get(0).get(0).get("score").isNumber(), cls.toString());
        assertEquals(wrapped("hf-cls", Map.of("inputs", "a great day")), cls.get(0));
        JsonNode two = bare(given(), "/models/hf-cls", Map.of("inputs", List.of("good", "bad")));
        assertEquals(2, two.size());
        assertTrue(two.get(1).get(0).has("label"), two.toString());

        JsonNode ner = bare(given(), "/models/hf-ner", Map.of("inputs", "my name is sarah and i live in london",
                "parameters", Map.of("aggregation_strategy", "none")));
        assertTrue(ner.isArray(), ner.toString());
        assertEquals(wrapped("hf-ner", Map.of("inputs", "my name is sarah and i live in london",
                "parameters", Map.of("aggregation_strategy", "none"))), ner);

        JsonNode mask = bare(given(), "/models/hf-mask", Map.of("inputs", "the capital of france is [MASK]."));
        assertTrue(mask.isArray() && !mask.isEmpty(), mask.toString());
        for (JsonNode m : mask) {
            assertTrue(m.get("score").isNumber() && m.get("token").isIntegralNumber() && m.get("token_str").isTextual()
                    && m.get("sequence").isTextual(), m.toString());
        }

        // question-answering: one object, not a list and not wrapped
        JsonNode qa = bare(given(), "/models/hf-qa", Map.of("inputs", Map.of("question", "where do i live?",
                "context", "my name is wolfgang and i live in berlin")));
        assertTrue(qa.isObject(), qa.toString());
        assertTrue(qa.get("answer").isTextual() && qa.get("score").isNumber() && qa.get("start").isInt()
                && qa.get("end").isInt(), qa.toString());

        // one pooled vector (a sentence-transformers repo) or one per token: numbers either way
        JsonNode features = bare(given(), "/models/hf-features", Map.of("inputs", "hello world"));
        assertTrue(features.isArray() && (features.get(0).isNumber() || features.get(0).get(0).isNumber()), features.toString());
        assertEquals(wrapped("hf-features", Map.of("inputs", "hello world")), features);

        JsonNode similarity = bare(given(), "/models/hf-similarity", Map.of("inputs",
                Map.of("source_sentence", "a cat", "sentences", List.of("a dog", "a car", "the cat"))));
        assertEquals(3, similarity.size(), similarity.toString());
        similarity.forEach(s -> assertTrue(s.isNumber(), similarity.toString()));
        // a feature-extraction deployment answers sentence-similarity too (InferenceClient.sentence_similarity)
        assertEquals(similarity, bare(given(), "/models/hf-features", Map.of("inputs",
                Map.of("source_sentence", "a cat", "sentences", List.of("a dog", "a car", "the cat")))));

        // OpenAI's embeddings under the raw base URL: the path's deployment, whatever the body names
        post(given(), "/models/hf-features/v1/embeddings", Map.of("model", "anything", "input", "hello world"))
                .then().statusCode(200).body("model", equalTo("hf-features")).body("data[0].embedding.size()", equalTo(32));

        // zero-shot: [{label, score}] sorted by score, as the Inference API answers it
        JsonNode zeroShot = bare(given(), "/models/hf-zero-shot", Map.of("inputs", "i love this movie",
                "parameters", Map.of("candidate_labels", List.of("cinema", "cooking", "sport"))));
        assertEquals(3, zeroShot.size(), zeroShot.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(zeroShot.get(i).get("label").isTextual(), zeroShot.toString());
            assertTrue(i == 0 || zeroShot.get(i).get("score").asDouble() <= zeroShot.get(i - 1).get("score").asDouble());
        }

        // errors keep Modelport's shape and codes
        post(given(), "/models/no-such-deployment", Map.of("inputs", "x")).then().statusCode(404)
                .body("status", equalTo("error")).body("error.code", equalTo("DEPLOYMENT_NOT_FOUND"));
        given().contentType(ContentType.JSON).body("{oops").post("/models/hf-cls").then().statusCode(400)
                .body("error.code", equalTo("INVALID_REQUEST"));
        post(given(), "/models/hf-cls", Map.of("nothing", "x")).then().statusCode(400).body("error.code", equalTo("INVALID_INPUT"));
    }

    @Test
    void textGenerationAnswersWithDetailsAndStreamsTgiEvents() throws Exception {
        Map<String, Object> greedy = Map.of("max_new_tokens", 6, "do_sample", false);
        // the new text, as TGI answers (the wrapped route keeps transformers' return_full_text=true)
        String full = wrapped("hf-chat", Map.of("inputs", "hello there", "parameters", greedy)).get(0).get("generated_text").asText();
        assertTrue(full.startsWith("hello there"), full);
        String newText = full.substring("hello there".length());
        JsonNode plain = bare(given(), "/models/hf-chat", Map.of("inputs", "hello there", "parameters", greedy));
        assertEquals(1, plain.size());
        assertEquals(newText, plain.get(0).get("generated_text").asText());
        assertEquals(full, bare(given(), "/models/hf-chat", Map.of("inputs", "hello there",
                "parameters", Map.of("max_new_tokens", 6, "do_sample", false, "return_full_text", true))).get(0)
                .get("generated_text").asText());

        JsonNode detailed = bare(given(), "/models/hf-chat", Map.of("inputs", "hello there",
                "parameters", Map.of("max_new_tokens", 6, "do_sample", false, "details", true)));
        JsonNode details = detailed.get(0).get("details");
        assertEquals(newText, detailed.get(0).get("generated_text").asText());
        assertTrue(List.of("length", "eos_token", "stop_sequence").contains(details.get("finish_reason").asText()), details.toString());
        assertTrue(details.get("prefill").isArray(), details.toString());
        assertTrue(details.has("seed"), details.toString());
        assertEquals(details.get("generated_tokens").asInt(), details.get("tokens").size());
        StringBuilder joined = new StringBuilder();
        for (JsonNode t : details.get("tokens")) {
            assertTrue(t.get("id").isIntegralNumber() && t.get("text").isTextual() && t.get("logprob").isNumber()
                    && t.get("special").isBoolean(), t.toString());
            joined.append(t.get("text").asText());
        }
        assertEquals(newText, joined.toString());

        // TGI's stream: the last event's generated_text is the new text alone
        List<JsonNode> stream = events(post(given(), "/models/hf-chat", Map.of("inputs", "hello there", "stream", true,
                "parameters", greedy)));
        assertTgiStream(stream, newText);

        // /generate: one object, the new text unless asked otherwise
        JsonNode generated = bare(given(), "/models/hf-chat/generate", Map.of("inputs", "hello there",
                "parameters", Map.of("max_new_tokens", 6, "do_sample", false, "details", true)));
        assertTrue(generated.isObject(), generated.toString());
        assertEquals(newText, generated.get("generated_text").asText());
        assertEquals(details.get("tokens"), generated.get("details").get("tokens"));
        assertEquals(full, bare(given(), "/models/hf-chat/generate", Map.of("inputs", "hello there",
                "parameters", Map.of("max_new_tokens", 6, "do_sample", false, "return_full_text", true)))
                .get("generated_text").asText());
        assertTgiStream(events(post(given(), "/models/hf-chat/generate_stream", Map.of("inputs", "hello there",
                "parameters", greedy))), newText);

        // details on a list, and on a task that does not generate, are refused clearly
        post(given(), "/models/hf-chat", Map.of("inputs", List.of("a", "b"), "parameters", Map.of("details", true)))
                .then().statusCode(400).body("error.code", equalTo("INVALID_INPUT"));
        post(given(), "/models/hf-cls/generate", Map.of("inputs", "a")).then().statusCode(422)
                .body("error.code", equalTo("UNSUPPORTED_TASK"));

        // the OpenAI chat route under the raw base URL, where InferenceClient.chat_completion posts
        JsonPath chat = post(given(), "/models/hf-chat/v1/chat/completions", Map.of("model", "dummy",
                "messages", List.of(Map.of("role", "user", "content", "hi")), "max_tokens", 4))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("chat.completion", chat.getString("object"));
        assertEquals("hf-chat", chat.getString("model"));
        assertNotNull(chat.getString("choices[0].message.content"));
        post(given(), "/models/hf-cls/v1/chat/completions", Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))))
                .then().statusCode(422).body("error.type", org.hamcrest.Matchers.notNullValue());
    }

    private static void assertTgiStream(List<JsonNode> stream, String newText) {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < stream.size(); i++) {
            JsonNode e = stream.get(i);
            assertEquals(i + 1, e.get("index").asInt(), e.toString());
            JsonNode token = e.get("token");
            assertTrue(token.get("id").isIntegralNumber() && token.get("text").isTextual() && token.get("logprob").isNumber()
                    && token.get("special").isBoolean(), e.toString());
            joined.append(token.get("text").asText());
            boolean last = i == stream.size() - 1;
            assertEquals(last, !e.get("generated_text").isNull(), e.toString());
            assertEquals(last, !e.get("details").isNull(), e.toString());
        }
        JsonNode end = stream.getLast();
        assertEquals(newText, end.get("generated_text").asText());
        assertEquals(newText, joined.toString());
        JsonNode details = end.get("details");
        assertEquals(stream.size(), details.get("generated_tokens").asInt());
        assertTrue(details.get("input_length").asInt() > 0, details.toString());
        assertTrue(details.has("seed") && details.get("finish_reason").isTextual(), details.toString());
    }

    @Test
    void theDedicatedPortServesTheSameRoutesForItsDeploymentOnly() throws Exception {
        RequestSpecification chatPort = port("hf-chat");
        Map<String, Object> greedy = Map.of("max_new_tokens", 5, "do_sample", false);
        Map<String, Object> body = Map.of("inputs", "once upon", "parameters", greedy);
        // "/" is the raw route, /predict the wrapped one: the same answers as on the main port
        assertEquals(bare(given(), "/models/hf-chat", body), bare(port("hf-chat"), "/", body));
        assertEquals(JSON.readTree(post(given(), "/api/v1/deployments/hf-chat/inference", body).asString()).get("result"),
                bare(port("hf-chat"), "/predict", body).get("result"));
        assertEquals(bare(given(), "/models/hf-chat/generate", body), bare(port("hf-chat"), "/generate", body));
        String newText = bare(given(), "/models/hf-chat/generate", body).get("generated_text").asText();
        assertTgiStream(events(post(port("hf-chat"), "/generate_stream", body)), newText);
        assertTgiStream(events(post(port("hf-chat"), "/", Map.of("inputs", "once upon", "parameters", greedy, "stream", true))),
                newText);

        // /predict streams now, in the wrapped route's events (generated_text with the prompt)
        List<JsonNode> predicted = events(post(chatPort, "/predict", Map.of("inputs", "once upon", "parameters", greedy,
                "stream", true)));
        assertEquals("once upon" + newText, predicted.getLast().get("generated_text").asText());
        assertTrue(predicted.getLast().get("details").has("prompt_tokens"));

        // the OpenAI routes: the port's deployment is the model, whatever the body names
        post(port("hf-chat"), "/v1/chat/completions", Map.of("model", "hf-cls",
                "messages", List.of(Map.of("role", "user", "content", "hi")), "max_tokens", 3))
                .then().statusCode(200).body("model", equalTo("hf-chat"));
        post(port("hf-chat"), "/v1/completions", Map.of("prompt", "hi", "max_tokens", 3))
                .then().statusCode(200).body("model", equalTo("hf-chat"));
        port("hf-chat").get("/v1/models").then().statusCode(200).body("data.size()", equalTo(1))
                .body("data[0].id", equalTo("hf-chat"));

        // health as before; nothing else, and no other deployment, through this port
        port("hf-chat").get("/health").then().statusCode(200).body("status", equalTo("UP"))
                .body("deployment_id", equalTo("hf-chat"));
        for (String path : List.of("/models/hf-cls", "/api/v1/deployments/hf-cls/inference", "/api/v1/deployments",
                "/api/v1/deploy", "/predict/x", "/models/hf-chat-other")) {
            post(port("hf-chat"), path, Map.of("inputs", "a")).then().statusCode(404).body("error.code", equalTo("NOT_FOUND"));
        }
        port("hf-chat").get("/api/v1/system").then().statusCode(404).body("error.code", equalTo("NOT_FOUND"));
        port("hf-chat").get("/q/metrics").then().statusCode(404).body("error.code", equalTo("NOT_FOUND"));

        // the classifier's port: the bare shape at its root, the wrapped one at /predict
        JsonNode cls = bare(port("hf-cls"), "/", Map.of("inputs", "nice"));
        assertEquals(bare(given(), "/models/hf-cls", Map.of("inputs", "nice")), cls);
        port("hf-cls").contentType(ContentType.JSON).body(Map.of("inputs", "nice")).post("/predict").then().statusCode(200)
                .body("status", equalTo("success")).body("deployment_id", equalTo("hf-cls"));
        post(port("hf-cls"), "/generate", Map.of("inputs", "nice")).then().statusCode(422)
                .body("error.code", equalTo("UNSUPPORTED_TASK"));
    }

    @Test
    void bodyLimitAndMethodErrorsAreTheSameOnBothPorts() {
        String tooBig = "{\"inputs\": \"" + "a".repeat((int) maxBodyBytes) + "\"}";
        post(given(), "/models/hf-cls", tooBig).then().statusCode(413).body("error.code", equalTo("PAYLOAD_TOO_LARGE"));
        post(port("hf-cls"), "/", tooBig).then().statusCode(413).body("error.code", equalTo("PAYLOAD_TOO_LARGE"));
        post(port("hf-cls"), "/predict", tooBig).then().statusCode(413).body("error.code", equalTo("PAYLOAD_TOO_LARGE"));
        // a chunked body (no Content-Length) over the limit too
        given().contentType(ContentType.JSON).body(new java.io.ByteArrayInputStream(tooBig.getBytes()))
                .post("/models/hf-cls").then().statusCode(413);
        port("hf-cls").contentType(ContentType.JSON).body(new java.io.ByteArrayInputStream(tooBig.getBytes()))
                .post("/").then().statusCode(413);
        given().get("/models/hf-cls").then().statusCode(405).body("error.code", equalTo("METHOD_NOT_ALLOWED"));
        port("hf-cls").get("/").then().statusCode(405).body("error.code", equalTo("METHOD_NOT_ALLOWED"));
        port("hf-cls").get("/predict").then().statusCode(405).body("error.code", equalTo("METHOD_NOT_ALLOWED"));
        port("hf-cls").contentType("text/plain").body("hi").post("/").then().statusCode(415);
    }

    @Test
    void unknownApiPathsAnswerTheJson404() {
        for (String path : List.of("/info", "/health", "/embed", "/embed_all", "/rerank", "/similarity", "/tokenize",
                "/decode", "/predict", "/generate", "/generate_stream", "/models", "/models/hf-cls/no-such-route",
                "/info/more", "/api/v1/nothing", "/api")) {
            given().get(path).then().statusCode(404).contentType(startsWith("application/json"))
                    .body("status", equalTo("error")).body("error.code", equalTo("NOT_FOUND"));
            post(given(), path, Map.of("inputs", "x")).then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(404), equalTo(405)))
                    .contentType(startsWith("application/json"));
        }
        given().get("/v1/nothing").then().statusCode(404).body("error.code", equalTo("not_found"));
        given().get("/models/hf-cls/v1/nothing").then().statusCode(404).body("error.code", equalTo("not_found"));
    }
}
