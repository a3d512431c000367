package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinySentenceTransformers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Python clients against the packaged service: one service process, a hub stand-in serving a
 * tiny real repo for each task key of the client scripts' convention (scripts/clients/*.py), each
 * deployed with a dedicated port; every script under scripts/clients runs in a venv under
 * target/python-clients with MODELPORT_URL and MODELPORT_DEPLOYMENTS, its output printed, and the test
 * fails on any FAIL line or non-zero exit. Without python3, its venv module or a package index that has
 * the clients, the test is skipped (a JUnit assumption) saying exactly what is missing: the Java suite
 * must pass without Python.
 */
class ClientCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPTS = Path.of("scripts/clients");
    private static final Path VENV = Path.of("target/python-clients");
    private static final long SCRIPT_TIMEOUT_SECONDS = 600;

    @TempDir
    Path dir;

    /** Task key of the convention -> (hub repo, task to deploy it as). */
    private record Model(String repo, String task) {
    }

    @Test
    void everyClientScriptPassesAgainstThePackagedService() throws Exception {
        List<Path> scripts = scripts();
        Assumptions.assumeFalse(scripts.isEmpty(), "no client scripts under " + SCRIPTS.toAbsolutePath());
        PythonClients.Outcome outcome = PythonClients.prepare(VENV);
        if (outcome.clients().isEmpty()) {
            String message = "ClientCompatibilityIT SKIPPED: " + outcome.whyNot();
            System.out.println("\n" + "=".repeat(100) + "\n" + message + "\n" + "=".repeat(100) + "\n");
            Assumptions.abort(message);
        }
        PythonClients python = outcome.clients().get();
        for (String missing : python.missing()) {
            System.out.println("=== NOT INSTALLED (its client is skipped): " + missing);
        }

        Path hubRoot = dir.resolve("hub");
        Map<String, Model> models = writeRepos(hubRoot);
        int first = ThreadLocalRandom.current().nextInt(30_000, 60_000);
        try (FakeHub hub = FakeHub.start(hubRoot).lfsThreshold(50_000)) {
            Map<String, String> env = new HashMap<>();
            env.put("HF_ENDPOINT", hub.url());
            env.put("DEDICATED_PORTS_ENABLED", "true");
            env.put("DEPLOYMENT_PORT_RANGE", first + "-" + (first + 40));
            env.put("TORCH_NUM_THREADS", "1");
            try (ServiceProcess service = ServiceProcess.start(dir, env)) {
                ObjectNode deployments = deployAll(service, models);
                Map<String, String> scriptEnv = Map.of("MODELPORT_URL", service.url(""),
                        "MODELPORT_DEPLOYMENTS", deployments.toString());
                System.out.println("MODELPORT_URL=" + service.url("") + "\nMODELPORT_DEPLOYMENTS=" + deployments);
                List<String> failures = new ArrayList<>();
                for (Path script : scripts) {
                    PythonClients.Run run = python.script(script, scriptEnv, SCRIPT_TIMEOUT_SECONDS);
                    System.out.println("----- " + script + " (exit " + run.exit() + ") -----\n" + run.output().strip());
                    run.output().lines().filter(l -> l.startsWith("FAIL")).forEach(l -> failures.add(script.getFileName() + ": " + l));
                    if (run.exit() != 0) {
                        failures.add(script.getFileName() + " exited " + run.exit());
                    }
                }
                assertTrue(failures.isEmpty(), "client failures:\n" + String.join("\n", failures)
                        + "\nservice log tail:\n" + service.tail());
            }
        }
    }

    private static List<Path> scripts() throws IOException {
        if (!Files.isDirectory(SCRIPTS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".py")).sorted().toList();
        }
    }

    /** One tiny real repo per task key of scripts/clients' convention. */
    private static Map<String, Model> writeRepos(Path root) throws Exception {
        Map<String, Model> models = new LinkedHashMap<>();
        TinyCheckpoints.bert(root.resolve("clients/classifier"), Head.SEQUENCE_CLASSIFICATION);
        models.put("text-classification", new Model("clients/classifier", "text-classification"));
        TinyCheckpoints.bert(root.resolve("clients/ner"), Head.TOKEN_CLASSIFICATION);
        models.put("token-classification", new Model("clients/ner", "token-classification"));
        TinyCheckpoints.bert(root.resolve("clients/mlm"), Head.MASKED_LM);
        models.put("fill-mask", new Model("clients/mlm", "fill-mask"));
        TinyCheckpoints.bert(root.resolve("clients/qa"), Head.QUESTION_ANSWERING);
        models.put("question-answering", new Model("clients/qa", "question-answering"));
        TinySentenceTransformers.write(root.resolve("clients/embedder"));
        models.put("feature-extraction", new Model("clients/embedder", "feature-extraction"));
        // a Qwen2-shaped decoder whose tokenizer has a chat template
        TinyDecoders.llama(root.resolve("clients/chat"), TinyDecoders.Family.QWEN2, 2, 32, 4, 2, 48, true, null, 1, 5);
        models.put("text-generation", new Model("clients/chat", "text-generation"));
        copyGolden("flan-t5", root.resolve("clients/t5"));
        models.put("text2text-generation", new Model("clients/t5", "text2text-generation"));
        TinyCheckpoints.builder(Family.BERT, Head.SEQUENCE_CLASSIFICATION).labels(List.of("LABEL_0")).seed(3)
                .write(root.resolve("clients/reranker"));
        models.put("rerank", new Model("clients/reranker", "text-classification"));
        return models;
    }

    /** A golden checkpoint's repo files (not its golden.* answers). */
    private static void copyGolden(String name, Path to) throws Exception {
        Path from = Path.of(ClientCompatibilityIT.class.getClassLoader().getResource("goldens/" + name).toURI());
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().startsWith("golden.")) {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
            }
        }
    }

    /** Deploys every model with a dedicated port; the MODELPORT_DEPLOYMENTS object of the convention. */
    private static ObjectNode deployAll(ServiceProcess service, Map<String, Model> models) throws Exception {
        for (Map.Entry<String, Model> e : models.entrySet()) {
            ObjectNode body = JSON.createObjectNode().put("model_id", e.getValue().repo()).put("deployment_id", id(e.getKey()))
                    .put("task", e.getValue().task()).put("dedicated_port", true);
            HttpResponse<String> r = service.post("/api/v1/deploy", body.toString());
            assertEquals(202, r.statusCode(), "deploy " + e.getKey() + ": " + r.body());
        }
        ObjectNode deployments = JSON.createObjectNode();
        for (String key : models.keySet()) {
            JsonNode d = service.awaitEnded(id(key));
            assertEquals("completed", d.path("status").asText(), key + ": " + d);
            ObjectNode entry = deployments.putObject(key).put("id", id(key));
            String endpoint = d.path("endpoint").asText(null);
            if (endpoint == null) {
                entry.putNull("port");
            } else {
                entry.put("port", URI.create(endpoint).getPort());
            }
        }
        return deployments;
    }

    private static String id(String taskKey) {
        return "clients-" + taskKey;
    }
}
