package dev.modelport.api;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import dev.modelport.runtime.Head;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinySentenceTransformers;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.modelport.api.ApiTestSupport.awaitEnded;
import static dev.modelport.api.ApiTestSupport.deploy;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TEI-compatible routes under {@code /models/{id}} as a TEI client parses them (shapes from TEI's
 * OpenAPI), on tiny real checkpoints from the hub stand-in: a sentence-transformers embedder with a
 * "query" prompt, a one-label cross-encoder and a two-label sentiment classifier.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class TeiRoutesApiTest {
    private static final String EMBED = "tei-embed";
    private static final String RERANK = "tei-rerank";
    private static final String SENTIMENT = "tei-sentiment";
    /** 200 words: more than the tiny models' 128 tokens, far less than MAX_INPUT_CHARS. */
    private static final String TOO_LONG = "hello ".repeat(200);

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @BeforeEach
    void deployOnce() throws InterruptedException {
        ensure(EMBED, "tei-org/embedder", () -> TinySentenceTransformers.write(root("tei-org/embedder")));
        ensure(RERANK, "tei-org/reranker", () -> TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION)
                .labels(List.of("LABEL_0")).seed(3).write(root("tei-org/reranker")));
        ensure(SENTIMENT, TestHub.SENTIMENT, () -> { });
    }

    @Test
    void embedAnswersOneNormalizedVectorPerInput() {
        List<List<Float>> one = post(EMBED, "embed", Map.of("inputs", "hello world")).statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(1, one.size(), "a single string still gives [[floats]]");
        assertEquals(TinyCheckpoints.HIDDEN, one.getFirst().size());
        assertEquals(1.0, norm(one.getFirst()), 1e-4, "normalize defaults to true");

        JsonPath two = post(EMBED, "embed", Map.of("inputs", List.of("hello world", "the movie"))).statusCode(200)
                .extract().jsonPath();
        assertEquals(2, two.getList("$").size());
        assertEquals(one.getFirst(), two.getList("[0]"), "batched or alone, the same vector");

        // the same vector as the Inference API's feature-extraction
        List<Float> inference = given().contentType(ContentType.JSON).body(Map.of("inputs", "hello world"))
                .post("/api/v1/deployments/" + EMBED + "/inference").then().statusCode(200).extract().jsonPath()
                .getList("result");
        assertEquals(inference, one.getFirst());

        List<Float> raw = post(EMBED, "embed", Map.of("inputs", "hello world", "normalize", false)).statusCode(200)
                .extract().jsonPath().getList("[0]");
        assertNotEquals(1.0, norm(raw), 1e-3);

        List<Float> short8 = post(EMBED, "embed", Map.of("inputs", "hello world", "dimensions", 8)).statusCode(200)
                .extract().jsonPath().getList("[0]");
        assertEquals(8, short8.size());
        assertEquals(1.0, norm(short8), 1e-4, "Matryoshka: truncated, then normalized");
        assertTei(post(EMBED, "embed", Map.of("inputs", "hello", "dimensions", 64)), 422, "validation", "INVALID_REQUEST");

        List<Float> query = post(EMBED, "embed", Map.of("inputs", "hello world", "prompt_name", "query")).statusCode(200)
                .extract().jsonPath().getList("[0]");
        List<Float> prompted = post(EMBED, "embed", Map.of("inputs", TinySentenceTransformers.QUERY_PROMPT + "hello world"))
                .statusCode(200).extract().jsonPath().getList("[0]");
        assertEquals(prompted, query, "prompt_name puts the prompt before the text");
        assertTei(post(EMBED, "embed", Map.of("inputs", "hello", "prompt_name", "nope")), 422, "validation", "INVALID_INPUT");
    }

    @Test
    void anOverLongInputIs413UnlessTruncateIsTrue() {
        assertTei(post(EMBED, "embed", Map.of("inputs", TOO_LONG)), 413, "validation", "INPUT_TOO_LARGE")
                .body("error", org.hamcrest.Matchers.containsString("must have less than 128 tokens. Given: 202"));
        post(EMBED, "embed", Map.of("inputs", TOO_LONG, "truncate", true)).statusCode(200).body("[0]", hasSize(32));
        post(EMBED, "embed", Map.of("inputs", TOO_LONG, "truncate", true, "truncation_direction", "Right")).statusCode(200);
        // Left is not implemented: refused only when it would cut something
        assertTei(post(EMBED, "embed", Map.of("inputs", TOO_LONG, "truncate", true, "truncation_direction", "Left")),
                422, "validation", "INVALID_REQUEST");
        post(EMBED, "embed", Map.of("inputs", "hello", "truncation_direction", "Left")).statusCode(200);
        assertTei(post(EMBED, "embed_all", Map.of("inputs", TOO_LONG)), 413, "validation", "INPUT_TOO_LARGE");
        assertTei(post(RERANK, "rerank", Map.of("query", "hello", "texts", List.of(TOO_LONG))), 413, "validation",
                "INPUT_TOO_LARGE");
        post(RERANK, "rerank", Map.of("query", "hello", "texts", List.of(TOO_LONG), "truncate", true)).statusCode(200);
        assertTei(post(SENTIMENT, "predict", Map.of("inputs", TOO_LONG)), 413, "validation", "INPUT_TOO_LARGE");
        // more inputs than MAX_INPUTS_PER_REQUEST (256)
        assertTei(post(EMBED, "embed", Map.of("inputs", java.util.Collections.nCopies(257, "hello"))), 413, "validation",
                "INPUT_TOO_LARGE");
    }

    @Test
    void embedAllGivesEveryTokensVector() {
        int tokens = post(EMBED, "tokenize", Map.of("inputs", "hello world")).statusCode(200).extract().jsonPath()
                .getList("[0]").size();
        JsonPath all = post(EMBED, "embed_all", Map.of("inputs", List.of("hello world", "the"))).statusCode(200)
                .extract().jsonPath();
        assertEquals(2, all.getList("$").size());
        assertEquals(tokens, all.getList("[0]").size(), "[CLS] hello world [SEP]");
        assertEquals(TinyCheckpoints.HIDDEN, all.getList("[0][0]").size());
        assertEquals(3, all.getList("[1]").size());
    }

    @Test
    void similarityGivesTheCosineOfEachSentence() {
        List<Float> scores = post(EMBED, "similarity", Map.of("inputs", Map.of("source_sentence", "hello world",
                "sentences", List.of("hello world", "the movie was bad")))).statusCode(200).extract().jsonPath().getList("$");
        assertEquals(2, scores.size());
        assertEquals(1.0, scores.get(0), 1e-4);
        assertTrue(scores.get(1) < 0.9999, scores.toString());
        float same = post(EMBED, "similarity", Map.of("inputs", Map.of("source_sentence", "hello", "sentences", List.of("hello")),
                "parameters", Map.of("prompt_name", "query", "truncate", false))).statusCode(200).extract().jsonPath()
                .getFloat("[0]");
        assertEquals(1.0, same, 1e-4);
        assertTei(post(EMBED, "similarity", Map.of("inputs", "hello")), 422, "validation", "INVALID_REQUEST");
    }

    @Test
    void tokenizeGivesTeisTokensWithByteOffsets() {
        // "ü" is two bytes: "hello" starts at byte 6 (code point 5)
        JsonPath t = post(EMBED, "tokenize", Map.of("inputs", "über hello")).statusCode(200).extract().jsonPath();
        List<Map<String, Object>> tokens = t.getList("[0]");
        assertEquals(Map.of("id", 2, "text", "[CLS]", "special", true), without(tokens.getFirst()));
        assertEquals(null, tokens.getFirst().get("start"));
        assertTrue(tokens.getFirst().containsKey("start") && tokens.getFirst().containsKey("stop"), "null, not absent");
        Map<String, Object> hello = tokens.get(tokens.size() - 2);
        assertEquals("hello", hello.get("text"));
        assertEquals(false, hello.get("special"));
        assertEquals(6, hello.get("start"));
        assertEquals(11, hello.get("stop"));
        assertEquals("[SEP]", tokens.getLast().get("text"));

        List<Map<String, Object>> bare = post(EMBED, "tokenize", Map.of("inputs", List.of("hello world"),
                "add_special_tokens", false)).statusCode(200).extract().jsonPath().getList("[0]");
        assertEquals(List.of("hello", "world"), bare.stream().map(m -> m.get("text")).toList());
        assertEquals(0, bare.getFirst().get("start"));

        List<Map<String, Object>> prompted = post(EMBED, "tokenize", Map.of("inputs", "hello", "prompt_name", "query",
                "add_special_tokens", false)).statusCode(200).extract().jsonPath().getList("[0]");
        assertEquals(List.of("q", "u", "e", "r", "y", ":", "hello"), prompted.stream().map(m -> m.get("text")).toList());
        assertEquals(7, prompted.getLast().get("start"), "offsets count the prompted text: \"query: hello\"");
        // a tokenize input longer than the model takes is shown whole
        assertEquals(202, post(EMBED, "tokenize", Map.of("inputs", TOO_LONG)).statusCode(200).extract().jsonPath()
                .getList("[0]").size());
    }

    @Test
    void decodeTurnsIdsBackIntoText() {
        List<Integer> ids = post(EMBED, "tokenize", Map.of("inputs", "hello world")).statusCode(200).extract().jsonPath()
                .getList("[0].id");
        post(EMBED, "decode", Map.of("ids", ids)).statusCode(200).body("$", hasSize(1)).body("[0]", equalTo("hello world"));
        post(EMBED, "decode", Map.of("ids", List.of(ids, ids.subList(1, 2)), "skip_special_tokens", false)).statusCode(200)
                .body("[0]", equalTo("[CLS] hello world [SEP]")).body("[1]", equalTo("hello"));
        assertTei(post(EMBED, "decode", Map.of("ids", List.of("a"))), 422, "validation", "INVALID_REQUEST");
    }

    @Test
    void rerankSortsByTheCrossEncodersScore() {
        JsonPath ranked = post(RERANK, "rerank", Map.of("query", "good movie", "texts",
                List.of("the movie", "hello world", "bad day"), "return_text", true)).statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = ranked.getList("$");
        assertEquals(3, items.size());
        for (int i = 1; i < items.size(); i++) {
            assertTrue(((Number) items.get(i - 1).get("score")).doubleValue() >= ((Number) items.get(i).get("score")).doubleValue());
        }
        List<String> texts = List.of("the movie", "hello world", "bad day");
        for (Map<String, Object> item : items) {
            assertEquals(texts.get((Integer) item.get("index")), item.get("text"));
            double score = ((Number) item.get("score")).doubleValue();
            assertTrue(score > 0 && score < 1, "a sigmoid");
        }
        // the same ranking as the Modelport rerank route
        List<Object> modelport = given().contentType(ContentType.JSON).body(Map.of("query", "good movie", "texts", texts))
                .post("/api/v1/deployments/" + RERANK + "/rerank").then().statusCode(200).extract().jsonPath().getList("index");
        assertEquals(modelport, ranked.getList("index"));
        post(RERANK, "rerank", Map.of("query", "q", "texts", List.of("a"))).statusCode(200).body("[0]",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("text")));

        assertTei(post(SENTIMENT, "rerank", Map.of("query", "q", "texts", List.of("a"))), 424, "backend", "UNSUPPORTED_TASK");
        assertTei(post(EMBED, "rerank", Map.of("query", "q", "texts", List.of("a"))), 424, "backend", "UNSUPPORTED_TASK");
        assertTei(post(RERANK, "rerank", Map.of("query", "q")), 422, "validation", "INVALID_INPUT");
    }

    @Test
    void predictGivesEveryLabelBestFirst() {
        List<Map<String, Object>> one = post(SENTIMENT, "predict", Map.of("inputs", "i love this movie")).statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(2, one.size());
        assertEquals(java.util.Set.of("NEGATIVE", "POSITIVE"), java.util.Set.of(one.get(0).get("label"), one.get(1).get("label")));
        double first = ((Number) one.get(0).get("score")).doubleValue();
        double second = ((Number) one.get(1).get("score")).doubleValue();
        assertTrue(first >= second);
        assertEquals(1.0, first + second, 1e-4, "softmax");

        post(SENTIMENT, "predict", Map.of("inputs", List.of("good", "movie"))).statusCode(200).body("$", hasSize(2))
                .body("[0].label", org.hamcrest.Matchers.notNullValue());
        JsonPath batch = post(SENTIMENT, "predict", Map.of("inputs", List.of(List.of("i love this movie"),
                List.of("good", "movie")), "raw_scores", true)).statusCode(200).extract().jsonPath();
        assertEquals(2, batch.getList("$").size());
        assertEquals(2, batch.getList("[0]").size());
        assertEquals(one.get(0).get("label"), batch.getString("[0][0].label"));

        assertTei(post(EMBED, "predict", Map.of("inputs", "hello")), 424, "backend", "UNSUPPORTED_TASK");
        assertTei(post(SENTIMENT, "predict", Map.of("inputs", List.of(List.of("a", "b", "c")))), 422, "validation",
                "INVALID_REQUEST");
    }

    @Test
    void infoAndHealthDescribeTheDeployment() {
        given().get("/models/" + EMBED + "/info").then().statusCode(200)
                .body("model_id", equalTo("tei-org/embedder"))
                .body("model_type.embedding.pooling", equalTo("mean"))
                .body("max_input_length", equalTo(TinyCheckpoints.MAX_TOKENS))
                .body("max_client_batch_size", equalTo(256))
                .body("auto_truncate", equalTo(false))
                .body("model_dtype", equalTo("float32"))
                .body("model_sha", org.hamcrest.Matchers.notNullValue())
                .body("version", org.hamcrest.Matchers.notNullValue());
        given().get("/models/" + RERANK + "/info").then().statusCode(200)
                .body("model_type.reranker.id2label.0", equalTo("LABEL_0"));
        given().get("/models/" + SENTIMENT + "/info").then().statusCode(200)
                .body("model_type.classifier.label2id.POSITIVE", equalTo(1));

        given().get("/models/" + EMBED + "/health").then().statusCode(200);
        assertTei(given().get("/models/no-such-deployment/health").then(), 404, "validation", "DEPLOYMENT_NOT_FOUND");
        assertTei(given().get("/models/no-such-deployment/info").then(), 404, "validation", "DEPLOYMENT_NOT_FOUND");
        assertTei(post("no-such-deployment", "embed", Map.of("inputs", "x")), 404, "validation", "DEPLOYMENT_NOT_FOUND");
    }

    @Test
    void badBodiesAre422InTeisShape() {
        assertTei(given().contentType(ContentType.JSON).body("{not json").post("/models/" + EMBED + "/embed").then(),
                422, "validation", "INVALID_REQUEST");
        assertTei(post(EMBED, "embed", Map.of("inputs", "x", "extra", 1)), 422, "validation", "INVALID_REQUEST")
                .body("error", org.hamcrest.Matchers.containsString("extra"));
        assertTei(post(EMBED, "embed", Map.of("inputs", List.of())), 422, "validation", "INVALID_REQUEST");
        assertTei(post(EMBED, "embed", Map.of("inputs", "x", "normalize", "yes")), 422, "validation", "INVALID_REQUEST");
        assertTei(post(SENTIMENT, "embed", Map.of("inputs", "x")), 424, "backend", "UNSUPPORTED_TASK");
    }

    /** Hostile bodies (dev.modelport.fuzz.HostileJson) on every TEI POST route: never a 5xx, errors in TEI's shape. */
    @Test
    void hostileBodiesGetTeiErrorsNeverA5xx() {
        java.util.Random random = new java.util.Random(Long.getLong("fuzz.seed", 20261208L));
        dev.modelport.fuzz.HostileJson gen = new dev.modelport.fuzz.HostileJson(random);
        List<String> routes = List.of(EMBED + "/embed", EMBED + "/embed_all", EMBED + "/similarity", EMBED + "/tokenize",
                EMBED + "/decode", RERANK + "/rerank", SENTIMENT + "/predict");
        List<String> failures = new java.util.ArrayList<>();
        for (int i = 0; i < 140; i++) {
            String route = routes.get(random.nextInt(routes.size()));
            String body = gen.body();
            io.restassured.response.Response r = given().contentType(ContentType.JSON).body(body).post("/models/" + route);
            boolean teiError = r.statusCode() < 400 || (r.contentType().startsWith("application/json")
                    && r.jsonPath().get("error") instanceof String && r.jsonPath().get("error_type") != null);
            if (r.statusCode() >= 500 || r.asString().contains("\tat ") || !teiError) {
                failures.add(route + " " + body.substring(0, Math.min(200, body.length())) + " -> " + r.statusCode() + " "
                        + r.asString().substring(0, Math.min(300, r.asString().length())));
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void openAiEmbeddingsUnderTheTeiBaseUrl() {
        given().contentType(ContentType.JSON).body(Map.of("input", List.of("hello world", "the")))
                .post("/models/" + EMBED + "/v1/embeddings").then().statusCode(200)
                .body("object", equalTo("list")).body("model", equalTo(EMBED)).body("data", hasSize(2))
                .body("data[0].embedding", hasSize(TinyCheckpoints.HIDDEN)).body("data[1].index", equalTo(1));
        // TEI ignores "model": the URL names the deployment
        given().contentType(ContentType.JSON).body(Map.of("input", "hello", "model", "anything"))
                .post("/models/" + EMBED + "/v1/embeddings").then().statusCode(200).body("model", equalTo(EMBED));
        given().contentType(ContentType.JSON).body(Map.of("input", "hello"))
                .post("/models/" + SENTIMENT + "/v1/embeddings").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("feature-extraction"));
    }

    private static ValidatableResponse post(String id, String route, Object body) {
        return given().contentType(ContentType.JSON).body(body).post("/models/" + id + "/" + route).then();
    }

    /** TEI's ErrorResponse, plus Modelport's code. */
    private static ValidatableResponse assertTei(ValidatableResponse r, int status, String type, String code) {
        return r.statusCode(status).contentType(ContentType.JSON).body("error", org.hamcrest.Matchers.instanceOf(String.class))
                .body("error_type", equalTo(type)).body("code", equalTo(code));
    }

    private static Map<String, Object> without(Map<String, Object> token) {
        Map<String, Object> m = new java.util.HashMap<>(token);
        m.remove("start");
        m.remove("stop");
        return m;
    }

    private static double norm(List<Float> v) {
        double sum = 0;
        for (Number x : v) {
            sum += x.doubleValue() * x.doubleValue();
        }
        return Math.sqrt(sum);
    }

    private Path root(String repo) {
        return Path.of(hubRoot).resolve(repo);
    }

    private void ensure(String id, String model, Runnable writeRepo) throws InterruptedException {
        if (given().get("/api/v1/deployments/" + id).statusCode() == 200) {
            return;
        }
        writeRepo.run();
        deploy(Map.of("model_id", model, "deployment_id", id));
        JsonPath d = awaitEnded(id, Duration.ofSeconds(120));
        assertEquals("completed", d.getString("status"), d.prettify());
    }
}
