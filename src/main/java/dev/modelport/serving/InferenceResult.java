package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;

/** A task output and how long the request took from arrival to answer. */
public record InferenceResult(JsonNode result, double inferenceTimeMs) {
}
