package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.pipeline.GenerationListener;
import dev.modelport.pipeline.GenerationParams;
import dev.modelport.pipeline.GenerationResult;
import dev.modelport.pipeline.TextGenerationPipeline;

/**
 * A prompt checked before its generation starts (parameters read, context length enforced), so a
 * streaming route can still answer a plain error status.
 *
 * @param addSpecialTokens false for a prompt that already holds them (a rendered chat template)
 * @param tokens the prompt's token count ({@code usage.prompt_tokens})
 */
record GenerationPrompt(TextGenerationPipeline pipeline, String text, boolean addSpecialTokens, GenerationParams params,
                        int tokens) {

    static GenerationPrompt of(TextGenerationPipeline pipeline, String text, boolean addSpecialTokens, JsonNode parameters) {
        GenerationParams params = pipeline.parameters(parameters);
        return new GenerationPrompt(pipeline, text, addSpecialTokens, params, pipeline.checkPrompt(text, addSpecialTokens));
    }

    GenerationResult generate(GenerationListener listener) {
        return pipeline.generate(text, params, listener, addSpecialTokens, true);
    }
}
