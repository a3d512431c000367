package dev.modelport.soak;

import java.util.Set;

/**
 * The mix of requests the soak clients send, in turn. Steady deployments must answer 200; the churn
 * deployment comes and goes, so while it is being deployed or is gone 409 and 404 are expected answers.
 */
enum SoakRequest {
    CLASSIFY("/api/v1/deployments/sentiment/inference", "{\"inputs\": \"I love this product! %d\"}", Set.of()),
    CLASSIFY_BATCH("/api/v1/deployments/sentiment/inference",
            "{\"inputs\": [\"good %d\", \"bad\", \"fine\", \"awful\"], \"parameters\": {\"top_k\": null}}", Set.of()),
    EMBED("/api/v1/deployments/embeddings/inference", "{\"inputs\": [\"a sentence to embed %d\", \"another one\"]}", Set.of()),
    OPENAI_EMBED("/v1/embeddings", "{\"model\": \"embeddings\", \"input\": [\"first %d\", \"second\"]}", Set.of()),
    GENERATE("/api/v1/deployments/generator/inference",
            "{\"inputs\": \"Hello world %d\", \"parameters\": {\"max_new_tokens\": 8, \"do_sample\": false}}", Set.of()),
    CHURN("/api/v1/deployments/churn/inference", "{\"inputs\": \"my name is sarah and i live in london %d\"}",
            Set.of(404, 409));

    final String path;
    private final String body;
    final Set<Integer> expectedRefusals;

    SoakRequest(String path, String body, Set<Integer> expectedRefusals) {
        this.path = path;
        this.body = body;
        this.expectedRefusals = expectedRefusals;
    }

    String body(long n) {
        return body.formatted(n);
    }
}
