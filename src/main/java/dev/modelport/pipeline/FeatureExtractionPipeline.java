package dev.modelport.pipeline;

import dev.modelport.runtime.FloatTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * feature-extraction: one pooled vector per input, pooled and normalized as the repo's
 * sentence-transformers files say. Parameters: {@code pooling} (none|mean|cls|max; none gives the
 * [T,H] token vectors of the real tokens), {@code normalize} (true|false), and the instruction
 * prompt ({@code prompt_name} or {@code prompt}; {@link SentencePrompts}). A
 * {@code {"source_sentence", "sentences"}} input gives sentence-similarity's cosines, as the Hugging Face
 * Inference API and TEI's {@code /similarity} answer them for an embedding model.
 */
final class FeatureExtractionPipeline implements Pipeline {
    private static final Set<String> POOLING_PARAM = Set.of("none", "mean", "cls", "max");

    private final PipelineContext context;
    private final Pooling pooling;
    private final boolean lowercase;
    private final SentencePrompts prompts;
    private final Tokenization tokenization;

    FeatureExtractionPipeline(PipelineContext context) {
        this.context = context;
        this.pooling = Pooling.of(context.files());
        this.prompts = SentencePrompts.of(context.files());
        this.tokenization = new Tokenization(context, prompts);
        // sentence-transformers lowercases before tokenizing when its config says so
        this.lowercase = context.files().sentenceBertConfig().path("do_lower_case").asBoolean(false);
    }

    private List<Encoded> encode(List<String> texts) {
        return context.encoder().encode(lowercase ? texts.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList() : texts);
    }

    @Override
    public Task task() {
        return Task.FEATURE_EXTRACTION;
    }

    /**
     * {@code inputs}: a string, a list of strings, or a list of token-id lists ({@link TokenIds}: used
     * as they are, without the instruction prompt or lowercasing, since they are already tokens).
     */
    @Override
    public JsonNode run(JsonNode inputs, JsonNode parameters) {
        Params params = Params.of(parameters);
        // {"source_sentence", "sentences"}: an embedding model answers sentence-similarity too (TEI's /similarity)
        if (inputs != null && inputs.isObject()) {
            return SentenceSimilarityPipeline.similarity(this, inputs, params);
        }
        String mode = params.choice("pooling", POOLING_PARAM, null);
        Pooling effective = pooling.with(mode == null || mode.equals("none") ? null : List.of(mode),
                params.optionalBool("normalize"));

        List<Encoded> rows;
        boolean batched;
        if (TokenIds.isBatch(inputs)) {
            rows = TokenIds.rows(inputs, context.model().spec().facts().vocabSize(), context.encoder().maxLength());
            batched = true;
        } else {
            TextInputs texts = TextInputs.parse(inputs);
            rows = encode(SentencePrompts.apply(prompts.choose(params), texts.texts()));
            batched = texts.batched();
        }
        FloatTensor hidden = context.hiddenStates(rows);
        ArrayNode results = Json.array();
        for (int b = 0; b < rows.size(); b++) {
            if ("none".equals(mode)) {
                ArrayNode tokens = results.addArray();
                for (int t = 0; t < rows.get(b).length(); t++) {
                    float[] vector = hidden.row(b, t);
                    // sentence-transformers normalizes sentence embeddings only; token vectors on request
                    if (Boolean.TRUE.equals(params.optionalBool("normalize"))) {
                        Pooling.normalizeInPlace(vector);
                    }
                    vectorJson(tokens.addArray(), vector);
                }
            } else {
                vectorJson(results.addArray(), effective.pool(hidden, b, rows.get(b).length()));
            }
        }
        return batched ? results : results.get(0);
    }

    @Override
    public java.util.OptionalInt countTokens(List<String> texts) {
        List<String> prompted = SentencePrompts.apply(prompts.choose(Params.of(null)), texts);
        return java.util.OptionalInt.of(encode(prompted).stream().mapToInt(Encoded::length).sum());
    }

    /** Pooled vectors of the texts, in one batch (sentence-similarity's use), with the prompt the parameters ask for. */
    List<float[]> embed(List<String> texts, Params params) {
        List<Encoded> rows = encode(SentencePrompts.apply(prompts.choose(params), texts));
        FloatTensor hidden = context.hiddenStates(rows);
        List<float[]> out = new ArrayList<>(rows.size());
        for (int b = 0; b < rows.size(); b++) {
            out.add(pooling.pool(hidden, b, rows.get(b).length()));
        }
        return out;
    }

    @Override
    public java.util.Optional<Tokenization> tokenization() {
        return java.util.Optional.of(tokenization);
    }

    @Override
    public JsonNode describe() {
        return Json.object().put("pooling", String.join("+", pooling.modes()));
    }

    private static void vectorJson(ArrayNode target, float[] vector) {
        for (float v : vector) {
            target.add(v);
        }
    }

    @Override
    public void listen(StageListener listener) {
        context.listen(listener);
    }

    @Override
    public void close() {
        tokenization.close();
        context.encoder().close();
    }
}
