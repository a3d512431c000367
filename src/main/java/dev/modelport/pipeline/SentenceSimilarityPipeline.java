package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;

/**
 * sentence-similarity: {@code {"source_sentence": "...", "sentences": [...]}} gives the cosine
 * similarity of each sentence's embedding to the source's, in the order of {@code sentences}. All
 * sentences run in one batch.
 */
final class SentenceSimilarityPipeline implements Pipeline {
    private final FeatureExtractionPipeline embeddings;

    SentenceSimilarityPipeline(PipelineContext context) {
        this.embeddings = new FeatureExtractionPipeline(context);
    }

    @Override
    public Task task() {
        return Task.SENTENCE_SIMILARITY;
    }

    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        // a string or a list gives the embeddings themselves, as feature-extraction does (OpenAI's /v1/embeddings)
        if (inputs != null && (inputs.isTextual() || inputs.isArray())) {
            return embeddings.run(inputs, parameters);
        }
        return similarity(embeddings, inputs, Params.of(parameters));
    }

    /**
     * The cosine of each sentence to the source sentence, all embedded in one batch; a feature-extraction
     * deployment answers them too, as the Inference API's sentence-transformers models do for either task.
     */
    static JsonNode similarity(FeatureExtractionPipeline embeddings, JsonNode inputs, Params params) {
        if (inputs == null || !inputs.isObject() || !inputs.path("source_sentence").isTextual()
                || !inputs.path("sentences").isArray() || inputs.path("sentences").isEmpty()) {
            throw Params.invalid("'inputs' must be {\"source_sentence\": \"...\", \"sentences\": [\"...\", ...]} "
                    + "with at least one sentence");
        }
        List<String> texts = new ArrayList<>();
        texts.add(inputs.get("source_sentence").asText());
        for (JsonNode sentence : inputs.get("sentences")) {
            if (!sentence.isTextual()) {
                throw Params.invalid("'sentences' must be a list of strings");
            }
            texts.add(sentence.asText());
        }
        List<float[]> vectors = embeddings.embed(texts, params);
        ArrayNode scores = Json.array();
        for (int i = 1; i < vectors.size(); i++) {
            scores.add(Pooling.cosine(vectors.getFirst(), vectors.get(i)));
        }
        return scores;
    }

    @Override
    public java.util.OptionalInt countTokens(List<String> texts) {
        return embeddings.countTokens(texts);
    }

    @Override
    public java.util.Optional<Tokenization> tokenization() {
        return embeddings.tokenization();
    }

    @Override
    public JsonNode describe() {
        return embeddings.describe();
    }

    @Override
    public void listen(StageListener listener) {
        embeddings.listen(listener);
    }

    @Override
    public void close() {
        embeddings.close();
    }
}
