package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rotary position settings as transformers 5 standardises them (modeling_rope_utils.py), for the
 * program's {@code causal.RotaryEmbedding}: {@code rope_parameters} (5) or {@code rope_scaling} (4)
 * give the type and its factors, {@code rope_theta} comes from them, else from the top level, else
 * the model's default; {@code original_max_position_embeddings} defaults to
 * {@code max_position_embeddings}. Types: default, linear, dynamic, llama3 and longrope (short and
 * long factors, Phi-3); a family names the ones its transformers class accepts, anything else is
 * refused.
 *
 * @param rotaryDim the rotated dimensions of a head (head_dim × partial_rotary_factor)
 * @param attentionFactor longrope's scale of cos and sin (1 for the other types)
 */
public record RopeSettings(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositions, int rotaryDim, double attentionFactor, List<Double> shortFactor,
        List<Double> longFactor) {

    /** What Llama, Mistral, Qwen2 and Qwen3 accept here. */
    public static final Set<String> LLAMA_TYPES = Set.of("default", "linear", "dynamic", "llama3");

    /**
     * Llama's rules: one set of settings for every layer, full rotary embeddings.
     *
     * @param headDim the head dimension (all of it rotates)
     */
    public static RopeSettings read(ConfigReader c, int maxPositions, int headDim) {
        JsonNode params = params(c);
        if (params.isObject() && (params.has("full_attention") || params.has("sliding_attention"))) {
            throw c.unsupported("rope_parameters per layer type");
        }
        double partial = params.path("partial_rotary_factor").asDouble(c.doubleOr("partial_rotary_factor", 1.0));
        c.refuseUnless(partial == 1.0, "partial_rotary_factor", "only full rotary embeddings are implemented for this model");
        return parse(c, params, theta(c, params, 10000.0), maxPositions, headDim, LLAMA_TYPES, "");
    }

    /** {@code rope_parameters}, else {@code rope_scaling}; a missing node when the config has neither. */
    public static JsonNode params(ConfigReader c) {
        JsonNode params = c.json().path("rope_parameters");
        return params.isObject() ? params : c.json().path("rope_scaling");
    }

    /** rope_theta of the parameters, else the top-level one, else {@code fallback}. */
    public static double theta(ConfigReader c, JsonNode params, double fallback) {
        return params.has("rope_theta") && !params.get("rope_theta").isNull()
                ? params.get("rope_theta").asDouble() : c.doubleOr("rope_theta", fallback);
    }

    /**
     * One set of settings from its parameter object (possibly missing: default RoPE).
     *
     * @param where how refusals name the settings (e.g. "for sliding_attention layers"), may be empty
     */
    public static RopeSettings parse(ConfigReader c, JsonNode params, double theta, int maxPositions, int rotaryDim,
            Set<String> supported, String where) {
        String type = params.isObject() ? params.path("rope_type").asText(params.path("type").asText("default")) : "default";
        String suffix = where.isEmpty() ? "" : " " + where;
        if (!supported.contains(type)) {
            throw c.unsupported("rope type '" + type + "'" + suffix + " (supported: " + String.join(", ", supported.stream().sorted().toList()) + ")");
        }
        int original = params.path("original_max_position_embeddings").asInt(c.intOr("original_max_position_embeddings", maxPositions));
        double factor = params.path("factor").asDouble(1.0);
        double attention = 1.0;
        List<Double> shortFactor = List.of();
        List<Double> longFactor = List.of();
        if (type.equals("longrope")) {
            shortFactor = factors(c, params, "short_factor", rotaryDim / 2, suffix);
            longFactor = factors(c, params, "long_factor", rotaryDim / 2, suffix);
            // _compute_longrope_parameters: factor from the config, else the context's growth over the
            // pretraining length; attention_factor from the config, else sqrt(1 + ln(factor) / ln(original))
            JsonNode f = params.path("factor");
            factor = f.isNumber() ? f.asDouble() : (double) maxPositions / original;
            JsonNode a = params.path("attention_factor");
            attention = a.isNumber() ? a.asDouble()
                    : factor <= 1.0 ? 1.0 : Math.sqrt(1 + Math.log(factor) / Math.log(original));
        }
        return new RopeSettings(type, theta, factor, params.path("low_freq_factor").asDouble(1.0),
                params.path("high_freq_factor").asDouble(4.0), original, rotaryDim, attention, shortFactor, longFactor);
    }

    private static List<Double> factors(ConfigReader c, JsonNode params, String field, int length, String suffix) {
        JsonNode list = params.path(field);
        if (!list.isArray() || list.size() != length) {
            throw c.unsupported("rope " + field + suffix + " must be a list of " + length + " numbers (half the rotary dimension)");
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode v : list) {
            if (!v.isNumber()) {
                throw c.unsupported("rope " + field + suffix + " holds '" + v + "', not a number");
            }
            out.add(v.asDouble());
        }
        return out;
    }

    /** The context a sequence may grow to: dynamic NTK scaling exists to run past the trained length. */
    public int context(int maxPositions) {
        return type.equals("dynamic") ? (int) (maxPositions * factor) : maxPositions;
    }

    /** Writes the settings for the program under {@code prefix} (causal.RotaryEmbedding reads them so). */
    public void putInto(ConfigReader c, String prefix) {
        c.put(prefix + "rope_type", type).put(prefix + "rope_theta", theta).put(prefix + "rope_factor", factor)
                .put(prefix + "low_freq_factor", lowFreqFactor).put(prefix + "high_freq_factor", highFreqFactor)
                .put(prefix + "original_max_position_embeddings", originalMaxPositions)
                .put(prefix + "rotary_dim", rotaryDim)
                .put(prefix + "rope_attention_factor", attentionFactor)
                .put(prefix + "short_factor", join(shortFactor))
                .put(prefix + "long_factor", join(longFactor));
    }

    private static String join(List<Double> values) {
        return String.join(",", values.stream().map(d -> Double.toString(d)).toList());
    }
}
