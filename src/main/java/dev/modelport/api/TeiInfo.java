package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * TEI's {@code GET /info} for one deployment. {@code model_type} is {@code {"embedding": {"pooling"}}},
 * {@code {"classifier": {"id2label", "label2id"}}} or {@code {"reranker": ...}} (a one-label classifier);
 * {@code max_concurrent_requests} is MAX_QUEUE_SIZE, {@code max_batch_requests} the deployment's batch
 * size, {@code max_client_batch_size} MAX_INPUTS_PER_REQUEST; Modelport never truncates unasked.
 */
record TeiInfo(String model_id, String model_sha, String model_dtype, JsonNode model_type, int max_concurrent_requests,
               int max_input_length, int max_batch_tokens, int max_batch_requests, int max_client_batch_size,
               boolean auto_truncate, int tokenization_workers, String version, String sha, String docker_label) {
}
