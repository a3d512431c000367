package dev.modelport.api;

import dev.modelport.config.ModelportConfig.DeclaredReadiness;
import dev.modelport.lifecycle.DeploymentRequest;
import dev.modelport.lifecycle.DeploymentSnapshot;
import dev.modelport.lifecycle.DeploymentStatus;
import dev.modelport.lifecycle.ErrorInfo;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MODELPORT_DEPLOYMENTS parsing (the API's rules, every problem named by entry) and the readiness policies. */
class DeclaredDeploymentsTest {

    private static List<DeploymentRequest> parse(String json) {
        return DeclaredDeployments.parse(json, "MODELPORT_DEPLOYMENTS", true, 10);
    }

    private static String refusal(String json) {
        return assertThrows(IllegalStateException.class, () -> parse(json)).getMessage();
    }

    @Test
    void entriesTakeTheDeployRequestsFieldsAndDefaults() {
        List<DeploymentRequest> r = parse("""
                [{"model_id": "org/Tiny_Model.v2"},
                 {"model_id": "org/other", "revision": "v1.0", "deployment_id": "chat", "task": "text-generation",
                  "device": "cpu", "dtype": "bfloat16", "max_batch_size": 8, "max_batch_delay_ms": 2, "dedicated_port": true}]""");
        assertEquals(2, r.size());
        DeploymentRequest first = r.get(0);
        assertEquals("org/Tiny_Model.v2", first.modelId());
        assertEquals("tiny-model-v2", first.deploymentId(), "the API's default slug");
        assertEquals("main", first.revision());
        assertNull(first.task());
        assertEquals(new DeploymentRequest("org/other", "v1.0", "chat", "text-generation", "cpu", "bfloat16", 8, 2, true), r.get(1));
        assertEquals(List.of(), parse("[]"));
    }

    @Test
    void malformedListsAreRefusedNamingTheEntry() {
        assertTrue(refusal("{\"model_id\": \"org/a\"}").contains("must be a JSON array"));
        assertTrue(refusal("[{\"model_id\": \"org/a\"},").contains("not valid JSON"));
        String unknown = refusal("[{\"model_id\": \"org/a\"}, {\"model_id\": \"org/b\", \"replicas\": 3}]");
        assertEquals("MODELPORT_DEPLOYMENTS entry 2: unknown field \"replicas\"; the fields are those of POST /api/v1/deploy:"
                + " model_id, revision, deployment_id, task, device, dtype, max_batch_size, max_batch_delay_ms, dedicated_port", unknown);
        String missing = refusal("[{\"deployment_id\": \"x\"}]");
        assertTrue(missing.contains("entry 1") && missing.contains("INVALID_MODEL_ID"), missing);
        String badId = refusal("[{\"model_id\": \"org/a\", \"deployment_id\": \"Not OK\"}]");
        assertTrue(badId.contains("INVALID_DEPLOYMENT_ID"), badId);
        assertEquals("MODELPORT_DEPLOYMENTS entry 1: field \"model_id\" has the wrong JSON type", refusal("[{\"model_id\": 42}]"));
        assertEquals("MODELPORT_DEPLOYMENTS entry 1: field \"max_batch_size\" has the wrong JSON type",
                refusal("[{\"model_id\": \"org/a\", \"max_batch_size\": \"many\"}]"));
        String notObject = refusal("[\"org/a\"]");
        assertTrue(notObject.contains("entry 1 must be a JSON object"), notObject);
        String dup = refusal("[{\"model_id\": \"org/a\"}, {\"model_id\": \"other/a\"}]");
        assertTrue(dup.contains("entries 1 and 2") && dup.contains("'a'"), dup);
    }

    @Test
    void limitsOfTheServiceApplyToDeclaredOnesToo() {
        String tooMany = assertThrows(IllegalStateException.class, () -> DeclaredDeployments.parse(
                "[{\"model_id\": \"org/a\"}, {\"model_id\": \"org/b\"}]", "MODELPORT_DEPLOYMENTS", true, 1)).getMessage();
        assertTrue(tooMany.contains("MAX_DEPLOYMENTS"), tooMany);
        String port = assertThrows(IllegalStateException.class, () -> DeclaredDeployments.parse(
                "[{\"model_id\": \"org/a\", \"dedicated_port\": true}]", "MODELPORT_DEPLOYMENTS", false, 10)).getMessage();
        assertTrue(port.contains("DEDICATED_PORTS_ENABLED"), port);
    }

    @Test
    void completedPolicyWaitsForEveryOneAndAFailureKeepsTheReplicaOut() {
        assertTrue(ready(DeclaredReadiness.COMPLETED, List.of()), "nothing declared: nothing to wait for");
        assertFalse(ready(DeclaredReadiness.COMPLETED, List.of(s("a", DeploymentStatus.COMPLETED), s("b", DeploymentStatus.LOADING))));
        assertTrue(ready(DeclaredReadiness.COMPLETED, List.of(s("a", DeploymentStatus.COMPLETED), s("b", DeploymentStatus.COMPLETED))));
        assertFalse(ready(DeclaredReadiness.COMPLETED, List.of(s("a", DeploymentStatus.COMPLETED), s("b", DeploymentStatus.FAILED))));
    }

    @Test
    void settledPolicyWaitsUntilEachHasEndedAndNamesTheFailures() {
        assertFalse(ready(DeclaredReadiness.SETTLED, List.of(s("a", DeploymentStatus.DOWNLOADING), s("b", DeploymentStatus.FAILED))));
        HealthCheckResponseBuilder b = HealthCheckResponse.named("t");
        assertTrue(ServiceReadiness.declared(b, DeclaredReadiness.SETTLED,
                List.of(s("a", DeploymentStatus.COMPLETED), s("b", DeploymentStatus.FAILED))));
        HealthCheckResponse r = b.up().build();
        assertEquals("b (MODEL_NOT_FOUND)", r.getData().orElseThrow().get("declared_failed"));
        assertEquals("1 of 2 completed (MODELPORT_DEPLOYMENTS_READINESS=settled)", r.getData().orElseThrow().get("declared"));
    }

    private static boolean ready(DeclaredReadiness policy, List<DeploymentSnapshot> declared) {
        return ServiceReadiness.declared(HealthCheckResponse.named("t"), policy, declared);
    }

    private static DeploymentSnapshot s(String id, DeploymentStatus status) {
        ErrorInfo error = status == DeploymentStatus.FAILED ? new ErrorInfo("MODEL_NOT_FOUND", "no such model") : null;
        return new DeploymentSnapshot(id, new DeploymentRequest("org/" + id, "main", id, null, null, null, null, null, null),
                "main", null, null, null, null, null, null, null, status, 0, "", error, List.of(), 0, null,
                Instant.now(), Instant.now(), true);
    }
}
