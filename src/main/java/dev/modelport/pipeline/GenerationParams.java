package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/**
 * One generation's settings: the request's {@code parameters} over the repo's
 * {@code generation_config.json} defaults, validated.
 *
 * @param seed null = a fresh random seed
 * @param topK 0 = no top-k filter
 * @param eosTokenIds the tokens that end the generation (may be empty)
 * @param topNTokens null: no raw log-probabilities; n &gt;= 0: each token's raw log-probability and the
 *     n most probable alternatives ({@link TokenLogprobs}); TGI's {@code top_n_tokens}
 */
public record GenerationParams(int maxNewTokens, boolean doSample, double temperature, int topK, double topP,
        double repetitionPenalty, Long seed, List<String> stop, boolean returnFullText, Set<Long> eosTokenIds,
        Integer topNTokens) {

    /** The most alternatives per token, as OpenAI's {@code top_logprobs} and vLLM's default max_logprobs allow. */
    public static final int MAX_TOP_N_TOKENS = 20;

    /** When neither the request nor generation_config.json says how many tokens to generate. */
    static final int DEFAULT_MAX_NEW_TOKENS = 256;

    static GenerationParams read(JsonNode parameters, GenerationDefaults defaults) {
        Params p = Params.of(parameters);
        int maxNew = p.positiveInt("max_new_tokens", defaults.maxNewTokens());
        double temperature = nonNegative(p, "temperature", defaults.temperature());
        boolean doSample = p.bool("do_sample", defaults.doSample());
        if (temperature == 0) {
            doSample = false; // HF Inference API / TGI: temperature 0 means greedy
        }
        // an explicit null turns the top-k filter off
        int topK = p.isExplicitNull("top_k") ? 0 : p.positiveInt("top_k", defaults.topK());
        double topP = nonNegative(p, "top_p", defaults.topP());
        if (topP <= 0 || topP > 1) {
            throw Params.invalid("'top_p' must be in (0, 1], got " + topP);
        }
        double penalty = nonNegative(p, "repetition_penalty", defaults.repetitionPenalty());
        if (penalty <= 0) {
            throw Params.invalid("'repetition_penalty' must be positive, got " + penalty);
        }
        Long seed = null;
        if (p.has("seed") && !p.isExplicitNull("seed")) {
            JsonNode s = parameters.get("seed");
            if (!s.canConvertToExactIntegral() || !s.canConvertToLong()) {
                throw Params.invalid("'seed' must be an integer, got " + s);
            }
            seed = s.asLong();
        }
        List<String> stop = p.stringList("stop");
        if (stop != null && stop.stream().anyMatch(String::isEmpty)) {
            throw Params.invalid("'stop' strings must not be empty");
        }
        return new GenerationParams(maxNew, doSample, temperature, topK, topP, penalty, seed,
                stop == null ? List.of() : List.copyOf(stop), p.bool("return_full_text", true), defaults.eosTokenIds(),
                topNTokens(parameters, p));
    }

    private static Integer topNTokens(JsonNode parameters, Params p) {
        if (!p.has("top_n_tokens") || p.isExplicitNull("top_n_tokens")) {
            return null;
        }
        JsonNode n = parameters.get("top_n_tokens");
        if (!n.canConvertToExactIntegral() || n.asInt() < 0 || n.asInt() > MAX_TOP_N_TOKENS) {
            throw Params.invalid("'top_n_tokens' must be an integer from 0 to " + MAX_TOP_N_TOKENS + ", got " + n);
        }
        return n.asInt();
    }

    /** These parameters with another seed (the n choices of one OpenAI request: seed + i). */
    public GenerationParams withSeed(Long other) {
        return new GenerationParams(maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, other, stop,
                returnFullText, eosTokenIds, topNTokens);
    }

    private static double nonNegative(Params p, String name, double fallback) {
        double v = p.number(name, fallback);
        if (v < 0) {
            throw Params.invalid("'" + name + "' must not be negative, got " + v);
        }
        return v;
    }
}
