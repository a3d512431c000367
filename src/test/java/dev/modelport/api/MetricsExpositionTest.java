package dev.modelport.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /q/metrics} as Prometheus, promtool and curl read it, after a text classification and a
 * generation have run (so the per-deployment time split has samples): the text format whatever the
 * Accept header, OpenMetrics when asked, HELP and TYPE on every Modelport family, and Debian's
 * {@code promtool check metrics} clean.
 */
@QuarkusTest
@QuarkusTestResource(value = TestHub.class, restrictToAnnotatedClass = false)
class MetricsExpositionTest {
    private static final String CLASSIFIER = "metrics-cls";
    private static final String GENERATOR = "metrics-gen";
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})? \\S+$");
    /** The time split of DESIGN.md's metric list, each with its deployment's samples. */
    private static final List<String> SPLIT_OF_BOTH = List.of("modelport_queue_duration_seconds_count",
            "modelport_tokenization_seconds_count", "modelport_inference_compute_seconds_count", "modelport_batch_tokens_count");
    private static final List<String> SPLIT_OF_GENERATION = List.of("modelport_time_to_first_token_seconds_count",
            "modelport_inter_token_latency_seconds_count");

    @ConfigProperty(name = "test.hub-root")
    String hubRoot;

    @BeforeEach
    void deployAndInferOnce() throws Exception {
        Path hub = Path.of(hubRoot);
        if (!Files.isDirectory(hub.resolve("metrics-org/sentiment"))) {
            TinyCheckpoints.bert(hub.resolve("metrics-org/sentiment"), Head.SEQUENCE_CLASSIFICATION);
            TinyDecoders.gpt2(hub.resolve("metrics-org/tiny-gpt2"), 2, 32, 4, 128, 31, false);
        }
        deploy("metrics-org/sentiment", CLASSIFIER);
        deploy("metrics-org/tiny-gpt2", GENERATOR);
        given().contentType(ContentType.JSON).body(Map.of("inputs", List.of("i love it", "terrible")))
                .post("/api/v1/deployments/" + CLASSIFIER + "/inference").then().statusCode(200);
        given().contentType(ContentType.JSON)
                .body(Map.of("inputs", "Hello", "parameters", Map.of("max_new_tokens", 4, "do_sample", false)))
                .post("/api/v1/deployments/" + GENERATOR + "/inference").then().statusCode(200);
    }

    private static void deploy(String model, String id) throws InterruptedException {
        if (given().get("/api/v1/deployments/" + id).statusCode() == 200) {
            return;
        }
        given().contentType(ContentType.JSON).body(Map.of("model_id", model, "deployment_id", id))
                .post("/api/v1/deploy").then().statusCode(202);
        Set<String> ended = Set.of("completed", "failed", "cancelled", "stopped");
        JsonPath last = null;
        for (int i = 0; i < 1200; i++) {
            last = given().get("/api/v1/deployments/" + id).then().extract().jsonPath();
            if (ended.contains(last.getString("status"))) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("completed", last.getString("status"), last.prettify());
    }

    @Test
    void theTextFormatWhateverTheAcceptHeaderAndOpenMetricsWhenAsked() {
        // curl sends */*; browsers send text/html...; some clients send nothing or JSON
        for (String accept : new String[] {"*/*", "text/plain", "text/html,application/xhtml+xml,*/*;q=0.8", "application/json"}) {
            Response r = given().header("Accept", accept).get("/q/metrics");
            assertEquals(200, r.statusCode(), accept);
            assertEquals(TEXT_FORMAT, r.contentType(), accept);
            assertTrue(!r.asString().contains("# EOF"), accept + ": no OpenMetrics end marker");
        }
        Response none = given().noFilters().get("/q/metrics");
        assertEquals(200, none.statusCode());

        Response open = given().header("Accept", "application/openmetrics-text").get("/q/metrics");
        assertEquals(200, open.statusCode());
        assertTrue(open.contentType().startsWith("application/openmetrics-text; version=1.0.0"), open.contentType());
        assertTrue(open.asString().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        // what Prometheus itself sends: it prefers OpenMetrics
        String prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assertTrue(given().header("Accept", prometheus).get("/q/metrics").contentType().startsWith("application/openmetrics-text"));
        assertEquals(TEXT_FORMAT, given().header("Accept", "application/openmetrics-text;q=0, text/plain").get("/q/metrics")
                .contentType(), "a range with q=0 is refused");
    }

    @Test
    void everyModelportFamilyHasHelpAndTypeAndTheTimeSplitHasSamples() {
        String text = given().header("Accept", "*/*").get("/q/metrics").then().statusCode(200).extract().asString();
        Map<String, String> types = new HashMap<>();
        Map<String, String> helps = new HashMap<>();
        List<String> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                types.put(p[2], p[3]);
            } else if (line.startsWith("# HELP ")) {
                String[] p = line.split(" ", 4);
                helps.put(p[2], p.length > 3 ? p[3] : "");
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(line);
            }
        }
        List<String> problems = new ArrayList<>();
        for (String sample : samples) {
            Matcher m = SAMPLE.matcher(sample);
            assertTrue(m.matches(), "a sample line: " + sample);
            String name = m.group(1);
            if (!name.startsWith("modelport_")) {
                continue;
            }
            String family = familyOf(name, types);
            if (family == null) {
                problems.add(name + ": no TYPE");
            } else if (helps.getOrDefault(family, "").isBlank()) {
                problems.add(family + ": no HELP text");
            }
        }
        assertEquals(List.of(), problems.stream().distinct().toList());
        assertEquals("counter", types.get("modelport_inference_requests_total"));
        assertEquals("histogram", types.get("modelport_inference_duration_seconds"));
        for (String family : List.of("modelport_queue_duration_seconds", "modelport_tokenization_seconds",
                "modelport_inference_compute_seconds", "modelport_batch_tokens", "modelport_time_to_first_token_seconds",
                "modelport_inter_token_latency_seconds", "modelport_batch_size")) {
            assertEquals("histogram", types.get(family), family);
        }
        for (String count : SPLIT_OF_BOTH) {
            assertTrue(sample(text, count, CLASSIFIER) > 0, count + " of the classifier");
            assertTrue(sample(text, count, GENERATOR) > 0, count + " of the generator");
        }
        for (String count : SPLIT_OF_GENERATION) {
            assertTrue(sample(text, count, GENERATOR) > 0, count);
            assertTrue(!text.contains(count + "{deployment=\"" + CLASSIFIER + "\""), "a classifier has no " + count);
        }
        assertTrue(sample(text, "modelport_inter_token_latency_seconds_count", GENERATOR)
                >= sample(text, "modelport_time_to_first_token_seconds_count", GENERATOR), "a generation of 4 tokens has 3 gaps");
    }

    @Test
    void aDeletedDeploymentLeavesNoSeries() throws Exception {
        String id = "metrics-gone";
        deploy("metrics-org/sentiment", id);
        given().contentType(ContentType.JSON).body(Map.of("inputs", "fine")).post("/api/v1/deployments/" + id + "/inference")
                .then().statusCode(200);
        String label = "deployment=\"" + id + "\"";
        String before = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(before.contains("modelport_tokenization_seconds_count{" + label), "the time split has its series");
        given().delete("/api/v1/deployments/" + id).then().statusCode(200).body("status", equalTo("stopped"));
        String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(!after.contains(label), "no series of " + id + " is left");
    }

    @Test
    void theGrafanaDashboardIsImportableAndQueriesFamiliesTheServiceExports() throws IOException {
        String text = given().header("Accept", "*/*").get("/q/metrics").then().statusCode(200).extract().asString();
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/grafana/modelport-dashboard.json").toFile());
        assertEquals("DS_PROMETHEUS", dashboard.path("__inputs").path(0).path("name").asText(), "asks for a datasource on import");
        Pattern family = Pattern.compile("modelport_[a-z_]+?(?=_bucket|_sum|_count|\\{|\\)|\\[|\\s|$)");
        List<String> queried = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertEquals("${DS_PROMETHEUS}", target.path("datasource").path("uid").asText(), panel.path("title").asText());
                Matcher m = family.matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertTrue(queried.size() > 10, "the dashboard queries the service's families: " + queried);
        for (String name : queried) {
            assertTrue(text.contains("# TYPE " + name + " "), name + " is exported");
        }
    }

    /** The family a sample belongs to: its own name, or a histogram's or summary's without its suffix. */
    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return null;
    }

    private static double sample(String text, String name, String deployment) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*deployment=\"" + Pattern.quote(deployment)
                + "\"[^}]*} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void promtoolFindsNothingToLint() throws Exception {
        Path promtool = promtool();
        String text = given().header("Accept", "*/*").get("/q/metrics").then().statusCode(200).extract().asString();
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool ended");
        assertEquals("", out.strip(), "promtool check metrics found problems");
        assertEquals(0, p.exitValue(), out);
    }

    /**
     * Debian's promtool (package prometheus, installed by scripts/test.sh). Missing: the test fails
     * in CI, and is skipped elsewhere with the way to get it.
     */
    private static Path promtool() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String why = "promtool not found on PATH; install Debian's prometheus package (apt-get install prometheus),"
                + " as scripts/test.sh does";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why);
        }
        Assumptions.abort(why);
        throw new IOException(why);
    }
}
