package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modelport.runtime.Head;
import dev.modelport.testing.decoders.TinyDecoders;
import dev.modelport.testing.hub.FakeHub;
import dev.modelport.testing.models.TinyCheckpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests quarkus-kubernetes writes at package time (target/kubernetes/) and the ones kept
 * under docs/kubernetes/ (KEDA, KServe, a ServiceMonitor) hold together with the service and the image, as
 * far as can be checked without a cluster. Statically: the objects reference each other (Service → pod
 * port, HPA/KEDA/PDB → the Deployment and its labels, every mount → a volume, the cache → the shared
 * claim, the declared models → the ConfigMap), the replicas keep no state (MODEL_STORAGE_PATH empty) and
 * roll without losing capacity, the pods run as the image's user, every env key is a setting the service
 * reads. Then the manifests' own environments run the packaged service against a hub stand-in serving tiny
 * models under the ConfigMap's model ids: the pre-fill Job exits 0 having fetched the files, a replica of
 * the Deployment becomes ready on that cache without fetching a byte and answers every probe, and its
 * metrics hold the series the HPA and KEDA scale on; the KServe runtime's container answers its probes and
 * the routes of the protocol mapping.
 */
class KubernetesManifestsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** API groups any cluster has; anything else (CRDs) stays out of the generated file so `kubectl apply` works anywhere. */
    private static final Set<String> CORE_APIS = Set.of("v1", "apps/v1", "batch/v1", "autoscaling/v2", "policy/v1");
    private static final Pattern SERIES = Pattern.compile("(modelport_\\w+)\\{([^}]*)}");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @TempDir
    Path dir;

    @Test
    void manifestsMatchTheServiceAndTheImage() throws Exception {
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        for (JsonNode item : JSON.readTree(Path.of("target/kubernetes/kubernetes.json").toFile())) {
            byKind.computeIfAbsent(item.path("kind").asText(), k -> new ArrayList<>()).add(item);
            assertTrue(CORE_APIS.contains(item.path("apiVersion").asText()), item.path("kind").asText() + " "
                    + item.path("apiVersion").asText() + " needs a CRD; keep it under docs/kubernetes/");
        }
        JsonNode deployment = one(byKind, "Deployment");
        JsonNode service = one(byKind, "Service");
        JsonNode job = one(byKind, "Job");
        JsonNode hpa = one(byKind, "HorizontalPodAutoscaler");
        JsonNode pdb = one(byKind, "PodDisruptionBudget");
        JsonNode secret = one(byKind, "Secret");
        Map<String, JsonNode> configMaps = named(byKind.get("ConfigMap"));
        Map<String, JsonNode> claims = named(byKind.get("PersistentVolumeClaim"));
        Set<String> settings = settingsInDotEnv();
        String uid = imageUid();

        // ---- the replicas ---------------------------------------------------------------------------------
        String name = deployment.at("/metadata/name").asText();
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.path("containers").get(0);
        int replicas = deployment.at("/spec/replicas").asInt();
        assertTrue(replicas >= 2, "more than one replica");
        assertEquals("RollingUpdate", deployment.at("/spec/strategy/type").asText(), "stateless pods roll");
        assertEquals("0", deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asText(),
                "an old pod goes only once a new one is ready (its models loaded)");
        int containerPort = container.path("ports").get(0).path("containerPort").asInt();
        assertEquals(containerPort, service.at("/spec/ports/0/targetPort").asInt(), "the Service reaches the container");
        assertEquals(uid, pod.at("/securityContext/runAsUser").asText(), "the pod runs as the image's user");
        assertEquals(uid, pod.at("/securityContext/fsGroup").asText(), "new claims are writable to that user");
        Map<String, String> env = env(container);
        assertEquals("", env.get("MODEL_STORAGE_PATH"), "replicas keep no metadata.json: MODEL_STORAGE_PATH is set, empty");
        Pod replica = new Pod(pod, container, claims, configMaps);
        String cacheClaim = replica.claimAt(env.get("HF_HUB_CACHE"));
        assertEquals("ReadWriteMany", claims.get(cacheClaim).at("/spec/accessModes/0").asText(), "every replica mounts the cache");
        assertNotNull(replica.configFile(env.get("MODELPORT_DEPLOYMENTS_FILE")), "the declared models come from a ConfigMap");
        assertTrue((replica.volume(env.get("MODELPORT_DEPLOYMENTS_FILE")).at("/configMap/defaultMode").asInt(0644) & 0004) != 0,
                "the ConfigMap's files are readable by the image's user");
        assertEquals("completed", env.get("MODELPORT_DEPLOYMENTS_READINESS"), "a replica takes traffic once its models are loaded");
        for (String key : env.keySet()) {
            assertTrue(settings.contains(key), "env " + key + " is a setting the service reads (.env)");
        }
        String secretName = secret.at("/metadata/name").asText();
        assertTrue(container.path("envFrom").toString().contains(secretName), "the container reads the secret");
        secret.path("stringData").fieldNames().forEachRemaining(k ->
                assertTrue(settings.contains(k), "secret key " + k + " is a setting the service reads (.env)"));

        // ---- the pre-fill Job -------------------------------------------------------------------------------
        JsonNode jobPod = job.at("/spec/template/spec");
        JsonNode jobContainer = jobPod.path("containers").get(0);
        Map<String, String> jobEnv = env(jobContainer);
        Pod prefill = new Pod(jobPod, jobContainer, claims, configMaps);
        assertEquals(container.path("image").asText(), jobContainer.path("image").asText(), "the Job runs the service's image");
        assertEquals("true", jobEnv.get("MODELPORT_PREFILL"));
        assertEquals(cacheClaim, prefill.claimAt(jobEnv.get("HF_HUB_CACHE")), "the Job fills the replicas' cache claim");
        assertEquals(replica.configFile(env.get("MODELPORT_DEPLOYMENTS_FILE")), prefill.configFile(jobEnv.get("MODELPORT_DEPLOYMENTS_FILE")),
                "the Job fetches the models the replicas declare");
        assertEquals(uid, jobPod.at("/securityContext/runAsUser").asText(), "the Job runs as the image's user");
        assertTrue(Set.of("OnFailure", "Never").contains(jobPod.path("restartPolicy").asText()));
        jobEnv.keySet().forEach(k -> assertTrue(settings.contains(k), "Job env " + k + " is a setting (.env)"));

        // ---- autoscaling and disruptions ------------------------------------------------------------------
        Map<String, String> podLabels = fields(deployment.at("/spec/template/metadata/labels"));
        assertEquals(name, hpa.at("/spec/scaleTargetRef/name").asText(), "the HPA scales the Deployment");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        int minAvailable = pdb.at("/spec/minAvailable").asInt();
        assertTrue(podLabels.entrySet().containsAll(fields(pdb.at("/spec/selector/matchLabels")).entrySet()),
                "the disruption budget selects the replicas");
        assertTrue(minAvailable >= 1 && minAvailable < replicas && minAvailable < hpa.at("/spec/minReplicas").asInt(),
                "at least one replica stays, and a drain can still move one");
        List<String[]> scaledOn = new ArrayList<>();
        for (JsonNode m : hpa.at("/spec/metrics")) {
            assertEquals("Pods", m.path("type").asText());
            scaledOn.add(new String[] {m.at("/pods/metric/name").asText(), m.at("/pods/metric/selector/matchLabels/deployment").asText(), "HPA"});
        }
        JsonNode keda = yaml(Path.of("docs/kubernetes/keda-scaledobject.yml")).getFirst();
        assertEquals("ScaledObject", keda.path("kind").asText());
        assertEquals(name, keda.at("/spec/scaleTargetRef/name").asText(), "KEDA scales the Deployment");
        assertTrue(keda.at("/spec/minReplicaCount").asInt() > minAvailable, "KEDA keeps room for the disruption budget");
        for (JsonNode t : keda.at("/spec/triggers")) {
            assertEquals("prometheus", t.path("type").asText());
            Matcher series = SERIES.matcher(t.at("/metadata/query").asText());
            assertTrue(series.find(), "a modelport series in " + t.at("/metadata/query").asText());
            Map<String, String> labels = labels(series.group(2));
            scaledOn.add(new String[] {series.group(1), labels.get("deployment"), "KEDA"});
        }
        assertEquals(4, scaledOn.size(), "the HPA and KEDA each scale on the sentiment queue and the chat generations");
        JsonNode monitor = yaml(Path.of("docs/kubernetes/servicemonitor.yml")).getFirst();
        assertTrue(fields(service.at("/metadata/labels")).entrySet().containsAll(fields(monitor.at("/spec/selector/matchLabels")).entrySet()),
                "the ServiceMonitor selects the Service");
        assertEquals(service.at("/spec/ports/0/name").asText(), monitor.at("/spec/endpoints/0/port").asText());
        assertEquals(deployment.at("/metadata/annotations").path("prometheus.io/path").asText(), monitor.at("/spec/endpoints/0/path").asText());

        // ---- KServe ---------------------------------------------------------------------------------------
        Map<String, JsonNode> kserve = new HashMap<>();
        yaml(Path.of("docs/kubernetes/kserve.yml")).forEach(o -> kserve.put(o.path("kind").asText(), o));
        JsonNode runtime = kserve.get("ServingRuntime");
        JsonNode isvc = kserve.get("InferenceService");
        JsonNode runtimeContainer = runtime.at("/spec/containers/0");
        assertEquals(container.path("image").asText(), runtimeContainer.path("image").asText(), "KServe runs the service's image");
        assertEquals(runtime.at("/metadata/name").asText(), isvc.at("/spec/predictor/model/runtime").asText());
        assertEquals(runtime.at("/spec/supportedModelFormats/0/name").asText(), isvc.at("/spec/predictor/model/modelFormat/name").asText());
        Map<String, String> kserveEnv = env(runtimeContainer);
        kserveEnv.putAll(env(isvc.at("/spec/predictor/model")));
        int kservePort = runtimeContainer.at("/ports/0/containerPort").asInt();
        assertEquals(String.valueOf(kservePort), kserveEnv.get("BACKEND_PORT"), "the service listens on the runtime's port");
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals(kservePort, runtimeContainer.path(probe).at("/httpGet/port").asInt(), probe + " port");
        }
        kserveEnv.keySet().forEach(k -> assertTrue(settings.contains(k), "KServe env " + k + " is a setting (.env)"));
        String imageCache = dockerfileEnv("HF_HUB_CACHE");
        assertTrue(isvc.at("/spec/predictor/model/volumeMounts").toString().contains("\"" + imageCache + "\""),
                "the InferenceService mounts the cache where the image looks for it (" + imageCache + ")");

        // ---- the manifests' environments, run ------------------------------------------------------------
        Path hubRoot = dir.resolve("hub");
        Set<String> models = new HashSet<>();
        for (JsonNode d : JSON.readTree(replica.configFile(env.get("MODELPORT_DEPLOYMENTS_FILE")))) {
            models.add(d.path("model_id").asText() + " " + d.path("task").asText());
        }
        for (JsonNode d : JSON.readTree(kserveEnv.get("MODELPORT_DEPLOYMENTS"))) {
            models.add(d.path("model_id").asText() + " " + d.path("task").asText());
        }
        for (String m : models) { // tiny stand-ins under the real model ids
            String[] idTask = m.split(" ");
            if (idTask[1].equals("text-generation")) {
                TinyDecoders.llama(hubRoot.resolve(idTask[0]), TinyDecoders.Family.QWEN2, 2, 32, 4, 2, 48, true, null, 1, 5);
            } else {
                TinyCheckpoints.distilbert(hubRoot.resolve(idTask[0]), Head.SEQUENCE_CLASSIFICATION);
            }
        }
        try (FakeHub hub = FakeHub.start(hubRoot).lfsThreshold(10_000)) {
            Map<String, String> jobRun = prefill.localEnv(jobEnv, dir, secret);
            jobRun.put("HF_ENDPOINT", hub.url());
            ServiceProcess jobProcess = ServiceProcess.launch(dir, jobRun, List.of(), ServiceProcess.freePort());
            int exit;
            try {
                exit = jobProcess.awaitExit(Duration.ofSeconds(120));
            } finally {
                jobProcess.close();
            }
            assertEquals(0, exit, "the pre-fill Job succeeds: " + jobProcess.tail());
            long prefilled = hub.totalBytesServed();
            assertTrue(prefilled > 0, "the Job fetched the models");

            Map<String, String> replicaRun = replica.localEnv(env, dir, secret);
            replicaRun.put("HF_ENDPOINT", hub.url());
            Map<String, String> kserveRun = new HashMap<>(kserveEnv);
            kserveRun.remove("BACKEND_PORT"); // the test's own port instead
            kserveRun.put("HF_HUB_CACHE", replicaRun.get("HF_HUB_CACHE")); // the same claim, mounted at the image's cache path
            kserveRun.put("HF_ENDPOINT", hub.url());
            kserveRun.put("LOG_DIR", dir.resolve("kserve-logs").toString());
            ServiceProcess replicaProcess = ServiceProcess.launch(dir, replicaRun, List.of(), ServiceProcess.freePort());
            ServiceProcess kserveProcess = ServiceProcess.launch(dir, kserveRun, List.of(), ServiceProcess.freePort());
            try (replicaProcess; kserveProcess) {
                replicaProcess.awaitReady(Duration.ofSeconds(90)); // ready = every declared model completed
                kserveProcess.awaitReady(Duration.ofSeconds(90));
                assertEquals(prefilled, hub.totalBytesServed(), "the replicas found everything in the pre-filled cache");

                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    String path = container.path(probe).at("/httpGet/path").asText();
                    assertEquals(containerPort, container.path(probe).at("/httpGet/port").asInt(), probe + " port");
                    HttpResponse<String> r = replicaProcess.get(path);
                    assertEquals(200, r.statusCode(), probe + " " + path + ": " + r.body());
                }
                String metricsPath = deployment.at("/metadata/annotations").path("prometheus.io/path").asText();
                HttpResponse<String> scrape = replicaProcess.get(metricsPath);
                assertEquals(200, scrape.statusCode(), "Prometheus scrapes " + metricsPath);
                for (String[] s : scaledOn) {
                    assertTrue(hasSeries(scrape.body(), s[0], s[1]), s[2] + " scales on " + s[0] + "{deployment=\"" + s[1]
                            + "\"}, which the replica exports for its declared deployment");
                }

                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    String path = runtimeContainer.path(probe).at("/httpGet/path").asText();
                    assertEquals(200, kserveProcess.get(path).statusCode(), "KServe " + probe + " " + path);
                }
                String id = JSON.readTree(kserveEnv.get("MODELPORT_DEPLOYMENTS")).get(0).path("deployment_id").asText();
                HttpResponse<String> inference = kserveProcess.post("/api/v1/deployments/" + id + "/inference",
                        "{\"inputs\": \"great\", \"parameters\": {\"top_k\": 2}}"); // the Hugging Face Inference API shape
                assertEquals(200, inference.statusCode(), inference.body());
                assertEquals(2, JSON.readTree(inference.body()).path("result").size(), inference.body());
                assertTrue(kserveProcess.get("/v1/models").body().contains("\"" + id + "\""), "the OpenAI model list names it");
            }
        }
    }

    /** One pod spec's volumes and mounts, and how its paths map to this test's folders. */
    private static final class Pod {
        private final Map<String, JsonNode> volumes = new HashMap<>();
        private final Map<String, String> mounts = new LinkedHashMap<>(); // mount path -> volume name
        private final Map<String, JsonNode> claims;
        private final Map<String, JsonNode> configMaps;

        Pod(JsonNode pod, JsonNode container, Map<String, JsonNode> claims, Map<String, JsonNode> configMaps) {
            this.claims = claims;
            this.configMaps = configMaps;
            for (JsonNode v : pod.path("volumes")) {
                assertTrue(volumes.put(v.path("name").asText(), v) == null, "volume " + v.path("name").asText() + " defined twice");
            }
            for (JsonNode m : container.path("volumeMounts")) {
                String volume = m.path("name").asText();
                assertTrue(volumes.containsKey(volume), "mount " + m.path("mountPath").asText() + " names a volume of the pod: " + volume);
                mounts.put(m.path("mountPath").asText(), volume);
            }
        }

        /** The volume mounted at (or above) a container path. */
        JsonNode volume(String path) {
            assertNotNull(path, "a path");
            for (Map.Entry<String, String> m : mounts.entrySet()) {
                if (path.equals(m.getKey()) || path.startsWith(m.getKey() + "/")) {
                    return volumes.get(m.getValue());
                }
            }
            throw new AssertionError(path + " is not on a mounted volume");
        }

        String claimAt(String path) {
            String claim = volume(path).at("/persistentVolumeClaim/claimName").asText();
            assertTrue(claims.containsKey(claim), path + " lives on a claim the manifests define: " + claim);
            return claim;
        }

        /** The ConfigMap entry a container path reads. */
        String configFile(String path) {
            String map = volume(path).at("/configMap/name").asText();
            assertTrue(configMaps.containsKey(map), path + " comes from a ConfigMap the manifests define: " + map);
            String key = path.substring(path.lastIndexOf('/') + 1);
            JsonNode data = configMaps.get(map).path("data").path(key);
            assertFalse(data.isMissingNode(), "ConfigMap " + map + " has " + key);
            return data.asText();
        }

        /** The container's env with every mounted path moved under {@code dir}: claims shared by name, ConfigMaps written out. */
        Map<String, String> localEnv(Map<String, String> env, Path dir, JsonNode secret) throws IOException {
            Map<String, String> out = new HashMap<>();
            secret.path("stringData").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            for (Map.Entry<String, String> e : env.entrySet()) {
                String value = e.getValue();
                for (Map.Entry<String, String> m : mounts.entrySet()) {
                    if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
                        value = local(m.getValue(), dir) + value.substring(m.getKey().length());
                    }
                }
                out.put(e.getKey(), value);
            }
            return out;
        }

        private String local(String volumeName, Path dir) throws IOException {
            JsonNode v = volumes.get(volumeName);
            if (v.has("persistentVolumeClaim")) {
                return Files.createDirectories(dir.resolve("claim-" + v.at("/persistentVolumeClaim/claimName").asText())).toString();
            }
            Path d = Files.createDirectories(dir.resolve("volume-" + volumeName));
            if (v.has("configMap")) {
                configMaps.get(v.at("/configMap/name").asText()).path("data").fields().forEachRemaining(f -> {
                    try {
                        Files.writeString(d.resolve(f.getKey()), f.getValue().asText());
                    } catch (IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                });
            }
            return d.toString();
        }
    }

    private static boolean hasSeries(String scrape, String metric, String deployment) {
        for (String line : scrape.split("\n")) {
            Matcher m = SERIES.matcher(line);
            if (!line.startsWith("#") && m.lookingAt() && m.group(1).equals(metric) && deployment.equals(labels(m.group(2)).get("deployment"))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> labels(String s) {
        Map<String, String> out = new HashMap<>();
        Matcher m = LABEL.matcher(s);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static JsonNode one(Map<String, List<JsonNode>> byKind, String kind) {
        List<JsonNode> l = byKind.get(kind);
        assertNotNull(l, "a " + kind);
        assertEquals(1, l.size(), "one " + kind);
        return l.getFirst();
    }

    private static Map<String, JsonNode> named(List<JsonNode> items) {
        Map<String, JsonNode> out = new HashMap<>();
        if (items != null) {
            items.forEach(i -> out.put(i.at("/metadata/name").asText(), i));
        }
        return out;
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> out = new LinkedHashMap<>();
        container.path("env").forEach(e -> out.put(e.path("name").asText(), e.path("value").asText()));
        return out;
    }

    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static List<JsonNode> yaml(Path file) throws IOException {
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            return it.readAll().stream().filter(n -> n != null && !n.isNull() && !n.isMissingNode()).toList();
        }
    }

    private static Set<String> settingsInDotEnv() throws IOException {
        Set<String> documented = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(".env"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                documented.add(line.substring(0, eq).trim());
            }
        }
        return documented;
    }

    private static String imageUid() throws IOException {
        Matcher uid = Pattern.compile("--uid (\\d+)").matcher(Files.readString(Path.of("docker/Dockerfile.jvm")));
        assertTrue(uid.find(), "the image's user has a fixed uid");
        return uid.group(1);
    }

    private static String dockerfileEnv(String key) throws IOException {
        Matcher m = Pattern.compile("\\b" + key + "=(\\S+)").matcher(Files.readString(Path.of("docker/Dockerfile.jvm")));
        assertTrue(m.find(), "the image sets " + key);
        return m.group(1);
    }
}
