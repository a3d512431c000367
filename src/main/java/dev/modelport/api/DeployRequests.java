package dev.modelport.api;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.lifecycle.DeploymentRequest;

import java.util.function.UnaryOperator;

/**
 * A deploy body made into a validated {@link DeploymentRequest}: the one set of rules for
 * {@code POST /api/v1/deploy} and for the deployments declared in MODELPORT_DEPLOYMENTS.
 */
final class DeployRequests {
    private DeployRequests() {
    }

    /**
     * @param freeId turns the default slug into an id nobody has (the API asks the registry; declared
     *               deployments keep the slug and must then be unique among themselves)
     */
    static DeploymentRequest from(DeployBody body, boolean dedicatedPortsEnabled, UnaryOperator<String> freeId) {
        if (body == null) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "Body must be a JSON object with at least \"model_id\"");
        }
        String modelId = RequestValidator.modelId(body.modelId());
        if (Boolean.TRUE.equals(body.dedicatedPort()) && !dedicatedPortsEnabled) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "dedicated_port is off on this server (DEDICATED_PORTS_ENABLED=false)");
        }
        String id = body.deploymentId() == null || body.deploymentId().isBlank()
                ? freeId.apply(RequestValidator.slug(modelId)) : RequestValidator.deploymentId(body.deploymentId());
        String device = RequestValidator.device(body.device());
        String dtype = RequestValidator.dtype(body.dtype());
        RequestValidator.dtypeOnDevice(dtype, device);
        return new DeploymentRequest(modelId, RequestValidator.revision(body.revision()), id,
                RequestValidator.task(body.task()), device, dtype,
                RequestValidator.range("max_batch_size", body.maxBatchSize(), 1, 1024),
                RequestValidator.range("max_batch_delay_ms", body.maxBatchDelayMs(), 0, 10_000), body.dedicatedPort());
    }
}
