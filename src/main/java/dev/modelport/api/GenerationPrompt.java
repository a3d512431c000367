package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.pipeline.GenerationListener;
import dev.modelport.pipeline.GenerationParams;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.TextGenerationPipeline;

/**
 * A prompt checked before its generation starts (parameters read, tokenized, context length
 * enforced), so a streaming route can still answer a plain error status. It is tokenized once,
 * however many choices generate from it.
 *
 * @param ids the prompt's token ids; their count is {@code usage.prompt_tokens}
 */
record GenerationPrompt(TextGenerationPipeline pipeline, long[] ids, GenerationParams params) {

    /** @param addSpecialTokens false for a prompt that already holds them (a rendered chat template) */
    static GenerationPrompt of(TextGenerationPipeline pipeline, String text, boolean addSpecialTokens, JsonNode parameters) {
        GenerationParams params = pipeline.parameters(parameters);
        return new GenerationPrompt(pipeline, pipeline.promptIds(text, addSpecialTokens), params);
    }

    /** A prompt given as token ids, used as they are (checked against the vocabulary and the context). */
    static GenerationPrompt ofIds(TextGenerationPipeline pipeline, long[] ids, JsonNode parameters) {
        GenerationParams params = pipeline.parameters(parameters);
        return new GenerationPrompt(pipeline, pipeline.checkIds(ids), params);
    }

    int tokens() {
        return ids.length;
    }

    /** The prompt for choice {@code i} of n: with a seed, choice i draws with seed + i, so choices differ yet reproduce. */
    GenerationPrompt choice(int i) {
        Long seed = params.seed();
        return seed == null || i == 0 ? this : new GenerationPrompt(pipeline, ids, params.withSeed(seed + i));
    }

    GenerationResult generate(GenerationListener listener) {
        return pipeline.generate(ids, params, listener);
    }
}
