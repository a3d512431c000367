package dev.modelport.generation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tiny GPT-2 and a tiny Llama chat model deployed from the hub stand-in (the project-wide
 * {@code api.TestHub}, whose repo folder is served live, so the repos are written into it here),
 * then driven over HTTP: inference, its SSE stream, /v1/completions and /v1/chat/completions.
 */
@QuarkusTest
class GenerationApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GPT2 = "test-org/tiny-gpt2-generation";
    private static final String LLAMA = "test-org/tiny-llama-chat";
    private static boolean deployed;

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @BeforeEach
    void deployOnce() throws Exception {
        if (deployed) {
            return;
        }
        Path root = Path.of(hubRoot);
        if (!Files.isDirectory(root.resolve(GPT2))) {
            TinyDecoders.gpt2(root.resolve(GPT2), 2, 32, 4, 128, 21, false);
            TinyDecoders.llama(root.resolve(LLAMA), Family.QWEN2, 2, 32, 4, 2, 48, true, null, 2, 22);
        }
        LiveGeneration.deploy(GPT2, "gen-gpt2");
        LiveGeneration.deploy(LLAMA, "gen-llama");
        assertEquals("text-generation", given().get("/api/v1/deployments/gen-gpt2").jsonPath().getString("task"));
        deployed = true;
    }

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    /** The JSON of each {@code data:} line of an SSE body, and the raw last line. */
    private static List<String> dataLines(Response r) {
        List<String> out = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(line.substring("data: ".length()));
            }
        }
        return out;
    }

    @Test
    void inferenceAndItsStreamAgree() throws Exception {
        String body = "{\"inputs\": \"Hello world\", \"parameters\": {\"max_new_tokens\": 10, \"do_sample\": true, \"seed\": 9}%s}";
        JsonPath plain = post("/api/v1/deployments/gen-gpt2/inference", body.formatted("")).then().statusCode(200)
                .extract().jsonPath();
        String text = plain.getString("result[0].generated_text");
        assertTrue(text.startsWith("Hello world") && text.length() > "Hello world".length(), text);

        Response sse = post("/api/v1/deployments/gen-gpt2/inference", body.formatted(", \"stream\": true"));
        assertEquals(200, sse.statusCode());
        assertTrue(sse.contentType().startsWith("text/event-stream"), sse.contentType());
        List<String> events = dataLines(sse);
        assertEquals(10, events.size(), "one event per token");
        StringBuilder joined = new StringBuilder("Hello world");
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = JSON.readTree(events.get(i));
            assertTrue(e.get("token").has("id") && e.get("token").has("logprob") && e.get("token").has("special"));
            joined.append(e.get("token").get("text").asText());
            if (i < events.size() - 1) {
                assertTrue(e.get("generated_text").isNull());
            } else {
                assertEquals(text, e.get("generated_text").asText(), "the stream ends with the same text");
                assertEquals("length", e.get("details").get("finish_reason").asText());
            }
        }
        assertEquals(text, joined.toString(), "streamed tokens concatenate to the text");
    }

    @Test
    void tooLongAPromptIsRefusedBeforeTheStreamStarts() {
        String prompt = "word ".repeat(200);
        post("/api/v1/deployments/gen-gpt2/inference", "{\"inputs\": \"" + prompt + "\", \"stream\": true}")
                .then().statusCode(413).body("error.code", org.hamcrest.Matchers.equalTo("INPUT_TOO_LARGE"));
    }

    @Test
    void completionsMatchGreedyInferenceAndCountUsage() throws Exception {
        String greedy = post("/api/v1/deployments/gen-gpt2/inference",
                "{\"inputs\": \"Hello\", \"parameters\": {\"max_new_tokens\": 6, \"return_full_text\": false}}")
                .then().statusCode(200).extract().jsonPath().getString("result[0].generated_text");
        JsonPath c = post("/v1/completions", "{\"model\": \"gen-gpt2\", \"prompt\": \"Hello\", \"max_tokens\": 6, \"temperature\": 0}")
                .then().statusCode(200).extract().jsonPath();
        assertEquals("text_completion", c.getString("object"));
        assertEquals(greedy, c.getString("choices[0].text"));
        assertEquals("length", c.getString("choices[0].finish_reason"));
        assertEquals(1, c.getInt("usage.prompt_tokens"), "\"Hello\" is one GPT-2 token");
        assertEquals(6, c.getInt("usage.completion_tokens"));
        assertEquals(7, c.getInt("usage.total_tokens"));

        List<String> chunks = dataLines(post("/v1/completions",
                "{\"model\": \"gen-gpt2\", \"prompt\": \"Hello\", \"max_tokens\": 6, \"temperature\": 0, \"stream\": true}"));
        assertEquals("[DONE]", chunks.getLast());
        StringBuilder joined = new StringBuilder();
        for (String chunk : chunks.subList(0, chunks.size() - 1)) {
            joined.append(JSON.readTree(chunk).get("choices").get(0).get("text").asText());
        }
        assertEquals(greedy, joined.toString());
        assertEquals("length", JSON.readTree(chunks.get(chunks.size() - 2)).get("choices").get(0).get("finish_reason").asText());

        post("/v1/completions", "{\"model\": \"no-such-model\", \"prompt\": \"x\"}").then().statusCode(404);
    }

    @Test
    void chatCompletionsUseTheChatTemplate() throws Exception {
        String body = "{\"model\": \"gen-llama\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], "
                + "\"max_tokens\": 5, \"seed\": 3%s}";
        JsonPath c = post("/v1/chat/completions", body.formatted("")).then().statusCode(200).extract().jsonPath();
        assertEquals("chat.completion", c.getString("object"));
        assertEquals("assistant", c.getString("choices[0].message.role"));
        String content = c.getString("choices[0].message.content");
        // <s><|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n, special tokens whole, not added again
        assertTrue(c.getInt("usage.prompt_tokens") < 15, "the template's special tokens are single tokens");
        assertTrue(c.getInt("usage.completion_tokens") <= 5);

        List<String> chunks = dataLines(post("/v1/chat/completions", body.formatted(", \"stream\": true")));
        assertEquals("[DONE]", chunks.getLast());
        JsonNode first = JSON.readTree(chunks.getFirst());
        assertEquals("assistant", first.get("choices").get(0).get("delta").get("role").asText());
        StringBuilder joined = new StringBuilder();
        for (String chunk : chunks.subList(1, chunks.size() - 1)) {
            joined.append(JSON.readTree(chunk).get("choices").get(0).get("delta").get("content").asText());
        }
        assertEquals(content, joined.toString(), "the same seed streams the same answer");

        // stream_options.include_usage: one more chunk, no choices, the same usage as the plain answer
        List<String> counted = dataLines(post("/v1/chat/completions",
                body.formatted(", \"stream\": true, \"stream_options\": {\"include_usage\": true}")));
        assertEquals("[DONE]", counted.getLast());
        JsonNode usage = JSON.readTree(counted.get(counted.size() - 2));
        assertEquals(0, usage.get("choices").size(), usage.toString());
        assertEquals(c.getInt("usage.prompt_tokens"), usage.get("usage").get("prompt_tokens").asInt());
        assertEquals(c.getInt("usage.completion_tokens"), usage.get("usage").get("completion_tokens").asInt());
        assertEquals(chunks.size() + 1, counted.size(), "only the usage chunk is added");
        post("/v1/chat/completions", body.formatted(", \"stream\": true, \"stream_options\": {\"include_usage\": 1}"))
                .then().statusCode(400);

        post("/v1/chat/completions", "{\"model\": \"gen-gpt2\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .then().statusCode(422).body("error.code", org.hamcrest.Matchers.equalTo("unsupported_task"))
                .body("error.type", org.hamcrest.Matchers.equalTo("invalid_request_error")); // OpenAI's error shape on /v1
        post("/v1/chat/completions", "{\"model\": \"gen-llama\", \"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}")
                .then().statusCode(400);
    }
}
