package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** The success shape of an inference: {@code {"status":"success","result":...,"deployment_id","inference_time_ms"}}. */
public record InferenceResponse(String status, JsonNode result, String deploymentId, double inferenceTimeMs) {
    public static InferenceResponse of(String deploymentId, InferenceResult r) {
        return new InferenceResponse("success", r.result(), deploymentId, Math.round(r.inferenceTimeMs() * 100) / 100.0);
    }
}
