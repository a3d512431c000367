package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The defaults a repo sets for generation: {@code generation_config.json} first, then
 * {@code config.json} (older GPT-2 repos keep eos_token_id and task_specific_params there), then
 * transformers' GenerationConfig defaults (greedy, temperature 1, top_k 50, top_p 1).
 */
record GenerationDefaults(int maxNewTokens, boolean doSample, double temperature, int topK, double topP,
        double repetitionPenalty, Set<Long> eosTokenIds) {

    static GenerationDefaults of(JsonNode generationConfig, JsonNode config) {
        JsonNode g = generationConfig;
        Set<Long> eos = ids(g.path("eos_token_id"));
        if (eos.isEmpty()) {
            eos = ids(config.path("eos_token_id"));
        }
        return new GenerationDefaults(g.path("max_new_tokens").asInt(GenerationParams.DEFAULT_MAX_NEW_TOKENS),
                g.path("do_sample").asBoolean(false), g.path("temperature").asDouble(1.0), g.path("top_k").asInt(50),
                g.path("top_p").asDouble(1.0), g.path("repetition_penalty").asDouble(1.0), eos);
    }

    /** eos_token_id is one integer or a list of them. */
    private static Set<Long> ids(JsonNode node) {
        Set<Long> out = new LinkedHashSet<>();
        if (node.canConvertToLong() && node.isIntegralNumber()) {
            out.add(node.asLong());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isIntegralNumber()) {
                    out.add(n.asLong());
                }
            });
        }
        return Set.copyOf(out);
    }
}
