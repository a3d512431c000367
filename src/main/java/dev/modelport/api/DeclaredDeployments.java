package dev.modelport.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelport.config.ModelportConfig;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.CachePrefill;
import dev.modelport.lifecycle.DeploymentRegistry;
import dev.modelport.lifecycle.DeploymentRequest;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deployments declared in the configuration: {@code MODELPORT_DEPLOYMENTS} (a JSON array of deploy
 * requests, the fields of {@code POST /api/v1/deploy}) or {@code MODELPORT_DEPLOYMENTS_FILE} (a file holding
 * that array). Read and validated at start with the API's own rules; a malformed list stops the service from
 * starting, naming the entry. Then they are deployed before anything is restored from metadata.json, or,
 * with {@code MODELPORT_PREFILL=true}, only their files are fetched into the cache and the process exits.
 */
@ApplicationScoped
public class DeclaredDeployments {
    private static final Logger LOG = Logger.getLogger(DeclaredDeployments.class);
    private static final ObjectMapper JSON = strictMapper();
    private static final String DEPLOY_FIELDS = "model_id, revision, deployment_id, task, device, dtype, max_batch_size,"
            + " max_batch_delay_ms, dedicated_port";

    @Inject
    ModelportConfig config;
    @Inject
    DeploymentRegistry registry;
    @Inject
    CachePrefill prefill;

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        List<DeploymentRequest> requests = read(config);
        if (config.deployments().prefill()) {
            if (requests.isEmpty()) {
                throw new IllegalStateException("MODELPORT_PREFILL=true but no deployment is declared; "
                        + "set MODELPORT_DEPLOYMENTS or MODELPORT_DEPLOYMENTS_FILE");
            }
            Thread.ofVirtual().name("cache-prefill").start(() -> {
                int failed = prefill.run(requests);
                if (failed == 0) {
                    LOG.infof("Pre-fill done: the files of all %d declared deployments are in the cache", requests.size());
                } else {
                    LOG.errorf("Pre-fill failed for %d of %d declared deployments (see above)", failed, requests.size());
                }
                Quarkus.asyncExit(failed == 0 ? 0 : 1);
            });
            return;
        }
        if (!requests.isEmpty()) {
            registry.declare(requests);
        }
    }

    /** The declared deployments of this configuration, validated; empty when none is declared. */
    static List<DeploymentRequest> read(ModelportConfig config) {
        Optional<String> inline = config.deployments().json().filter(s -> !s.isBlank());
        Optional<String> file = config.deployments().file().filter(s -> !s.isBlank());
        if (inline.isPresent() && file.isPresent()) {
            throw new IllegalStateException("Both MODELPORT_DEPLOYMENTS and MODELPORT_DEPLOYMENTS_FILE are set; set one of them");
        }
        if (file.isPresent()) {
            String text;
            try {
                text = Files.readString(Path.of(file.get()));
            } catch (IOException e) {
                throw new IllegalStateException("MODELPORT_DEPLOYMENTS_FILE=" + file.get() + " cannot be read: " + e, e);
            }
            return parse(text, "MODELPORT_DEPLOYMENTS_FILE (" + file.get() + ")", config.serving().dedicatedPortsEnabled(),
                    config.limits().maxDeployments());
        }
        return inline.map(s -> parse(s, "MODELPORT_DEPLOYMENTS", config.serving().dedicatedPortsEnabled(),
                config.limits().maxDeployments())).orElse(List.of());
    }

    /** Parses a JSON array of deploy requests; every problem is an IllegalStateException naming the entry. */
    static List<DeploymentRequest> parse(String json, String source, boolean dedicatedPortsEnabled, int maxDeployments) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(source + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new IllegalStateException(source + " must be a JSON array of deploy requests, e.g. "
                    + "[{\"model_id\": \"org/name\", \"deployment_id\": \"name\"}]");
        }
        List<DeploymentRequest> out = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < root.size(); i++) {
            String entry = source + " entry " + (i + 1);
            JsonNode node = root.get(i);
            if (!node.isObject()) {
                throw new IllegalStateException(entry + " must be a JSON object with at least \"model_id\"");
            }
            DeploymentRequest request;
            try {
                request = DeployRequests.from(JSON.treeToValue(node, DeployBody.class), dedicatedPortsEnabled, slug -> slug);
            } catch (UnrecognizedPropertyException e) {
                throw new IllegalStateException(entry + ": unknown field \"" + e.getPropertyName() + "\"; the fields are those of"
                        + " POST /api/v1/deploy: " + DEPLOY_FIELDS);
            } catch (MismatchedInputException e) {
                String field = e.getPath().isEmpty() ? "?" : e.getPath().getLast().getFieldName();
                throw new IllegalStateException(entry + ": field \"" + field + "\" has the wrong JSON type");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(entry + ": " + e.getOriginalMessage());
            } catch (ModelportException e) {
                throw new IllegalStateException(entry + ": " + e.code() + ": " + e.getMessage());
            }
            Integer first = ids.putIfAbsent(request.deploymentId(), i + 1);
            if (first != null) {
                throw new IllegalStateException(source + " entries " + first + " and " + (i + 1) + " both get deployment_id '"
                        + request.deploymentId() + "'; give each a distinct \"deployment_id\"");
            }
            out.add(request);
        }
        if (out.size() > maxDeployments) {
            throw new IllegalStateException(source + " declares " + out.size() + " deployments but MAX_DEPLOYMENTS is "
                    + maxDeployments + "; raise MAX_DEPLOYMENTS");
        }
        return List.copyOf(out);
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        new StrictJson().customize(m);
        return m;
    }
}
