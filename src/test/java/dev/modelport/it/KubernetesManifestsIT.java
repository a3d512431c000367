package dev.modelport.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kubernetes manifests quarkus-kubernetes writes at package time (target/kubernetes/) hold
 * together with the service and the image, as far as can be checked without a cluster: every
 * probe and the Prometheus path answer on the packaged service, the Service reaches the container
 * port, the cache and metadata paths the service is told to use are mounted from claims the
 * manifests define, the API-key secret carries the service's own setting names, and the pod runs
 * as the image's user with an fsGroup that makes new claims writable to it.
 */
class KubernetesManifestsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void manifestsMatchTheServiceAndTheImage() throws Exception {
        Map<String, JsonNode> byKind = new HashMap<>();
        Set<String> claims = new HashSet<>();
        JsonNode secret = null;
        for (JsonNode item : JSON.readTree(Path.of("target/kubernetes/kubernetes.json").toFile())) {
            String kind = item.path("kind").asText();
            byKind.put(kind, item);
            if (kind.equals("PersistentVolumeClaim")) {
                claims.add(item.path("metadata").path("name").asText());
            } else if (kind.equals("Secret")) {
                secret = item;
            }
        }
        JsonNode deployment = byKind.get("Deployment");
        JsonNode service = byKind.get("Service");
        assertNotNull(deployment, "a Deployment");
        assertNotNull(service, "a Service");
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText(),
                "one pod at a time: two would race on the same metadata claim");
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.path("containers").get(0);
        int containerPort = container.path("ports").get(0).path("containerPort").asInt();
        assertEquals(containerPort, service.at("/spec/ports/0/targetPort").asInt(), "the Service reaches the container");

        Matcher uid = Pattern.compile("--uid (\\d+)").matcher(Files.readString(Path.of("docker/Dockerfile.jvm")));
        assertTrue(uid.find(), "the image's user has a fixed uid");
        assertEquals(uid.group(1), pod.at("/securityContext/runAsUser").asText(), "the pod runs as the image's user");
        assertEquals(uid.group(1), pod.at("/securityContext/fsGroup").asText(), "new claims are writable to that user");

        Map<String, String> mounts = new HashMap<>();
        Map<String, String> volumeClaims = new HashMap<>();
        pod.path("volumes").forEach(v -> volumeClaims.put(v.path("name").asText(), v.at("/persistentVolumeClaim/claimName").asText()));
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        for (String key : List.of("HF_HUB_CACHE", "MODEL_STORAGE_PATH")) {
            String path = env.get(key);
            assertNotNull(path, key + " is set");
            String volume = mounts.get(path);
            assertNotNull(volume, key + "=" + path + " is a mounted volume");
            assertTrue(claims.contains(volumeClaims.get(volume)), key + " lives on a claim the manifests define");
        }

        assertNotNull(secret, "the API-key secret");
        String secretName = secret.path("metadata").path("name").asText();
        assertTrue(container.path("envFrom").toString().contains(secretName), "the container reads the secret");
        Set<String> documented = new HashSet<>();
        for (String line : Files.readAllLines(Path.of(".env"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                documented.add(line.substring(0, eq).trim());
            }
        }
        secret.path("stringData").fieldNames().forEachRemaining(k ->
                assertTrue(documented.contains(k), "secret key " + k + " is a setting the service reads (.env)"));

        try (ServiceProcess s = ServiceProcess.start(dir, Map.of())) {
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                String path = container.path(probe).at("/httpGet/path").asText();
                assertEquals(containerPort, container.path(probe).at("/httpGet/port").asInt(), probe + " port");
                HttpResponse<String> r = s.get(path);
                assertEquals(200, r.statusCode(), probe + " " + path + ": " + r.body());
            }
            String metrics = deployment.at("/metadata/annotations").path("prometheus.io/path").asText();
            HttpResponse<String> r = s.get(metrics);
            assertEquals(200, r.statusCode(), "Prometheus scrapes " + metrics);
            assertTrue(r.body().contains("modelport_deployments"), "our metrics are in the scrape");
        }
    }
}
