package dev.modelport.generation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.decoders.TinyDecoders.Family;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the OpenAI clients (the openai SDKs, LangChain) send beyond the basics, against a tiny GPT-2
 * and a tiny chat Llama over HTTP: token-id prompts, content parts, n choices, logprobs in both
 * shapes (streamed and not), the usage chunk of a completions stream, response_format, and the
 * task in /v1/models. Assertions are on the fields the SDKs parse.
 */
@QuarkusTest
class OpenAiCompatibilityTest {
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
        deployed = true;
    }

    private static Response post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    private static JsonNode json(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    /** The JSON of each {@code data:} event but the final {@code [DONE]}, which must be there. */
    private static List<JsonNode> events(Response r) throws Exception {
        assertEquals(200, r.statusCode(), r.asString());
        List<String> data = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        assertEquals("[DONE]", data.getLast(), r.asString());
        List<JsonNode> out = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            out.add(JSON.readTree(d));
        }
        return out;
    }

    private long[] gpt2Ids(String text) throws Exception {
        try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(Path.of(hubRoot).resolve(GPT2).resolve("tokenizer.json"))) {
            return t.encode(text, false, false).getIds();
        }
    }

    @Test
    void completionsTakeTokenIdPrompts() throws Exception {
        String greedy = "\"model\": \"gen-gpt2\", \"max_tokens\": 5, \"temperature\": 0";
        JsonNode fromText = json(post("/v1/completions", "{" + greedy + ", \"prompt\": \"Hello world\"}"));
        long[] ids = gpt2Ids("Hello world");
        JsonNode fromIds = json(post("/v1/completions", "{" + greedy + ", \"prompt\": " + Arrays.toString(ids) + "}"));
        assertEquals(fromText.at("/choices/0/text").asText(), fromIds.at("/choices/0/text").asText(),
                "the ids are the text's tokens, used as they are");
        assertEquals(ids.length, fromIds.at("/usage/prompt_tokens").asInt());

        // a list of token-id lists (and of strings): one choice per prompt, prompt tokens summed
        long[] other = gpt2Ids("The cat");
        JsonNode two = json(post("/v1/completions", "{" + greedy + ", \"prompt\": [" + Arrays.toString(ids) + ", "
                + Arrays.toString(other) + "]}"));
        assertEquals(2, two.get("choices").size());
        assertEquals(0, two.at("/choices/0/index").asInt());
        assertEquals(1, two.at("/choices/1/index").asInt());
        assertEquals(fromText.at("/choices/0/text").asText(), two.at("/choices/0/text").asText());
        assertEquals(ids.length + other.length, two.at("/usage/prompt_tokens").asInt());
        assertEquals(10, two.at("/usage/completion_tokens").asInt());
        JsonNode strings = json(post("/v1/completions", "{" + greedy + ", \"prompt\": [\"Hello world\", \"The cat\"]}"));
        assertEquals(two.at("/choices/1/text").asText(), strings.at("/choices/1/text").asText());

        post("/v1/completions", "{" + greedy + ", \"prompt\": [15496, 99999999]}").then().statusCode(400)
                .body("error.code", equalTo("invalid_input"))
                .body("error.message", containsString("Token id 99999999 is outside this model's vocabulary"));
        post("/v1/completions", "{" + greedy + ", \"prompt\": [\"Hello\", 15496]}").then().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"));
        post("/v1/completions", "{" + greedy + ", \"prompt\": []}").then().statusCode(400);
    }

    @Test
    void chatTakesTextContentPartsAndRefusesImages() throws Exception {
        String head = "{\"model\": \"gen-llama\", \"max_tokens\": 4, \"temperature\": 0, \"messages\": ";
        JsonNode plain = json(post("/v1/chat/completions", head
                + "[{\"role\": \"user\", \"content\": \"hello\\nthe world\"}]}"));
        JsonNode parts = json(post("/v1/chat/completions", head + "[{\"role\": \"user\", \"content\": ["
                + "{\"type\": \"text\", \"text\": \"hello\"}, {\"type\": \"text\", \"text\": \"the world\"}]}]}"));
        // the template renders content as a string, so the text parts are joined with newlines (as vLLM does)
        assertEquals(plain.at("/usage/prompt_tokens").asInt(), parts.at("/usage/prompt_tokens").asInt());
        assertEquals(plain.at("/choices/0/message/content").asText(), parts.at("/choices/0/message/content").asText());

        post("/v1/chat/completions", head + "[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi\"},"
                + " {\"type\": \"image_url\", \"image_url\": {\"url\": \"https://example.com/cat.png\"}}]}]}")
                .then().statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("\"image_url\""));
        post("/v1/chat/completions", head + "[{\"role\": \"user\", \"content\": [{\"type\": \"input_audio\","
                + " \"input_audio\": {\"data\": \"AAAA\", \"format\": \"wav\"}}]}]}")
                .then().statusCode(400).body("error.message", containsString("\"input_audio\""));
    }

    @Test
    void chatLogprobsAreTheRawModelsAndStreamTheSame() throws Exception {
        String body = "{\"model\": \"gen-llama\", \"max_tokens\": 4, \"temperature\": 0, \"logprobs\": true, "
                + "\"top_logprobs\": 3, \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]%s}";
        JsonNode answer = json(post("/v1/chat/completions", body.formatted("")));
        JsonNode content = answer.at("/choices/0/logprobs/content");
        assertEquals(answer.at("/usage/completion_tokens").asInt(), content.size(), answer.toString());
        for (JsonNode entry : content) {
            assertTrue(entry.get("token").isTextual());
            assertTrue(entry.get("logprob").asDouble() <= 0);
            assertTrue(entry.get("bytes").isArray());
            JsonNode top = entry.get("top_logprobs");
            assertEquals(3, top.size());
            assertTrue(top.get(0).get("logprob").asDouble() >= top.get(1).get("logprob").asDouble());
            assertTrue(top.get(0).has("token") && top.get(0).has("bytes"));
            // greedy picks the raw distribution's most probable token
            assertEquals(top.get(0).get("token").asText(), entry.get("token").asText());
            assertEquals(top.get(0).get("logprob").asDouble(), entry.get("logprob").asDouble(), 1e-9);
        }
        assertTrue(answer.at("/choices/0/logprobs").has("refusal"));

        List<JsonNode> chunks = events(post("/v1/chat/completions", body.formatted(", \"stream\": true")));
        List<JsonNode> streamed = new ArrayList<>();
        for (JsonNode chunk : chunks.subList(1, chunks.size())) {
            streamed.add(chunk.at("/choices/0/logprobs/content/0"));
        }
        assertEquals(content.size(), streamed.size());
        for (int i = 0; i < streamed.size(); i++) {
            assertEquals(content.get(i).get("token"), streamed.get(i).get("token"));
            assertEquals(content.get(i).get("logprob").asDouble(), streamed.get(i).get("logprob").asDouble(), 1e-9);
        }
        assertTrue(chunks.getFirst().at("/choices/0/logprobs").isNull(), "the role chunk has no token");

        JsonNode off = json(post("/v1/chat/completions", "{\"model\": \"gen-llama\", \"max_tokens\": 2, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}"));
        assertTrue(off.at("/choices/0/logprobs").isNull(), "null when not asked for, as OpenAI sends it");
        post("/v1/chat/completions", "{\"model\": \"gen-llama\", \"top_logprobs\": 2, "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}").then().statusCode(400)
                .body("error.message", containsString("\"logprobs\": true"));
        post("/v1/chat/completions", body.formatted("").replace("\"top_logprobs\": 3", "\"top_logprobs\": 21"))
                .then().statusCode(400);
    }

    @Test
    void completionLogprobsHaveTheLegacyShape() throws Exception {
        String body = "{\"model\": \"gen-gpt2\", \"prompt\": \"Hello\", \"max_tokens\": 4, \"temperature\": 0, "
                + "\"logprobs\": 2%s}";
        JsonNode answer = json(post("/v1/completions", body.formatted("")));
        JsonNode lp = answer.at("/choices/0/logprobs");
        assertEquals(4, lp.get("tokens").size(), lp.toString());
        assertEquals(4, lp.get("token_logprobs").size());
        assertEquals(4, lp.get("top_logprobs").size());
        assertEquals(4, lp.get("text_offset").size());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            assertEquals(text.length(), lp.get("text_offset").get(i).asInt(), "offsets into the generated text");
            String token = lp.get("tokens").get(i).asText();
            text.append(token);
            JsonNode top = lp.get("top_logprobs").get(i);
            assertTrue(top.isObject() && top.size() >= 1 && top.size() <= 3, top.toString());
            assertEquals(lp.get("token_logprobs").get(i).asDouble(), top.get(token).asDouble(), 1e-9,
                    "the chosen token is among its top_logprobs");
        }
        assertEquals(answer.at("/choices/0/text").asText(), text.toString());

        List<JsonNode> chunks = events(post("/v1/completions", body.formatted(", \"stream\": true")));
        assertEquals(4, chunks.size());
        for (int i = 0; i < 4; i++) {
            JsonNode c = chunks.get(i).at("/choices/0/logprobs");
            assertEquals(lp.get("tokens").get(i), c.get("tokens").get(0));
            assertEquals(lp.get("text_offset").get(i), c.get("text_offset").get(0), "the offset runs on across chunks");
        }
    }

    @Test
    void nChoicesGenerateTogetherWithSeedPlusIndex() throws Exception {
        String body = "{\"model\": \"gen-gpt2\", \"prompt\": \"Hello\", \"max_tokens\": 6, \"seed\": 40, \"n\": %d%s}";
        JsonNode three = json(post("/v1/completions", body.formatted(3, "")));
        assertEquals(3, three.get("choices").size());
        Map<Integer, String> texts = new TreeMap<>();
        for (JsonNode c : three.get("choices")) {
            texts.put(c.get("index").asInt(), c.get("text").asText());
        }
        assertEquals(List.of(0, 1, 2), List.copyOf(texts.keySet()));
        assertEquals(1, three.at("/usage/prompt_tokens").asInt(), "the prompt counts once");
        assertEquals(18, three.at("/usage/completion_tokens").asInt());
        for (int i = 0; i < 3; i++) {
            JsonNode alone = json(post("/v1/completions", body.formatted(1, "").replace("\"seed\": 40", "\"seed\": " + (40 + i))));
            assertEquals(alone.at("/choices/0/text").asText(), texts.get(i), "choice " + i + " draws with seed + " + i);
        }
        assertNotEquals(texts.get(0), texts.get(1), "the choices differ");

        // streamed: chunks of both choices, each told apart by its index
        String chat = "{\"model\": \"gen-llama\", \"max_tokens\": 4, \"seed\": 7, \"n\": 2, \"messages\": "
                + "[{\"role\": \"user\", \"content\": \"hello\"}]%s}";
        JsonNode whole = json(post("/v1/chat/completions", chat.formatted("")));
        List<JsonNode> chunks = events(post("/v1/chat/completions",
                chat.formatted(", \"stream\": true, \"stream_options\": {\"include_usage\": true}")));
        StringBuilder[] joined = {new StringBuilder(), new StringBuilder()};
        int roles = 0;
        for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
            JsonNode choice = chunk.at("/choices/0");
            if (choice.at("/delta/role").isTextual()) {
                roles++;
            }
            joined[choice.get("index").asInt()].append(choice.at("/delta/content").asText());
        }
        assertEquals(2, roles, "each choice opens with its role");
        for (int i = 0; i < 2; i++) {
            assertEquals(whole.at("/choices/" + i + "/message/content").asText(), joined[i].toString());
        }
        assertEquals(whole.get("usage"), chunks.getLast().get("usage"));

        post("/v1/completions", body.formatted(9, "")).then().statusCode(400)
                .body("error.message", containsString("MAX_CHOICES"));
        // 8 choices admitted, then their prompt refused: every slot is given back
        double refusedBefore = LiveGeneration.metric("modelport_inference_requests_total", "gen-gpt2", "bad_input");
        post("/v1/completions", body.formatted(8, "").replace("\"Hello\"", "[15496, 99999999]")).then().statusCode(400);
        assertEquals(0, LiveGeneration.metric("modelport_queue_depth", "gen-gpt2", null), "no choice left in flight");
        assertEquals(refusedBefore + 8, LiveGeneration.awaitMetric("modelport_inference_requests_total", "gen-gpt2",
                "bad_input", refusedBefore + 8), "each choice counted once");
        post("/v1/completions", body.formatted(0, "")).then().statusCode(400);
    }

    @Test
    void completionStreamsEndWithAUsageChunk() throws Exception {
        List<JsonNode> chunks = events(post("/v1/completions", "{\"model\": \"gen-gpt2\", \"prompt\": \"Hello\", "
                + "\"max_tokens\": 3, \"stream\": true, \"stream_options\": {\"include_usage\": true}}"));
        JsonNode last = chunks.getLast();
        assertEquals(0, last.get("choices").size());
        assertEquals(1, last.at("/usage/prompt_tokens").asInt());
        assertEquals(3, last.at("/usage/completion_tokens").asInt());
        assertEquals(4, last.at("/usage/total_tokens").asInt());
        assertEquals("text_completion", last.get("object").asText());
        assertTrue(chunks.get(0).at("/usage").isMissingNode(), "only the last chunk has usage");
    }

    @Test
    void jsonResponseFormatsAreRefusedTextIsServed() {
        String chat = "{\"model\": \"gen-llama\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                + "\"response_format\": %s}";
        post("/v1/chat/completions", chat.formatted("{\"type\": \"json_object\"}")).then().statusCode(400)
                .body("error.code", equalTo("invalid_request")).body("error.type", equalTo("invalid_request_error"))
                .body("error.message", containsString("not implemented"));
        post("/v1/chat/completions", chat.formatted("{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": {}}}"))
                .then().statusCode(400).body("error.message", containsString("json_schema"));
        post("/v1/chat/completions", chat.formatted("{\"type\": \"text\"}")).then().statusCode(200);
    }

    @Test
    void modelsListEachDeploymentsTask() {
        given().get("/v1/models").then().statusCode(200).body("object", equalTo("list"))
                .body("data.find { it.id == 'gen-gpt2' }.object", equalTo("model"))
                .body("data.find { it.id == 'gen-gpt2' }.owned_by", equalTo("modelport"))
                .body("data.find { it.id == 'gen-gpt2' }.task", equalTo("text-generation"))
                .body("data.find { it.id == 'gen-gpt2' }.root", equalTo(GPT2));
        given().get("/v1/models/gen-llama").then().statusCode(200).body("task", equalTo("text-generation"))
                .body("id", equalTo("gen-llama"));
    }
}
