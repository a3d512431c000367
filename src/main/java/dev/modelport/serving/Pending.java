package dev.modelport.serving;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;

/**
 * One request waiting for (or in) a forward pass. Its future is completed by the batch that runs it;
 * a caller that gives up cancels it, and a batch skips requests whose future is already done.
 */
final class Pending {
    final InferenceInput input;
    final long arrivedNanos;
    final CompletableFuture<JsonNode> result = new CompletableFuture<>();

    Pending(InferenceInput input, long arrivedNanos) {
        this.input = input;
        this.arrivedNanos = arrivedNanos;
    }

    boolean abandoned() {
        return result.isDone();
    }
}
