package dev.modelport.runtime.llama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.ConfigReader;
import java.util.Set;

/**
 * Rotary position settings as transformers 5 standardises them: {@code rope_parameters} (5) or
 * {@code rope_scaling} (4) give the type and its factors, {@code rope_theta} comes from them, else
 * from the top level, else 10000; {@code original_max_position_embeddings} defaults to
 * {@code max_position_embeddings}.
 */
record RopeSettings(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositions) {

    private static final Set<String> SUPPORTED = Set.of("default", "linear", "dynamic", "llama3");

    static RopeSettings read(ConfigReader c, int maxPositions) {
        JsonNode json = c.json();
        JsonNode params = json.path("rope_parameters");
        if (!params.isObject()) {
            params = json.path("rope_scaling");
        }
        if (params.isObject() && params.has("full_attention")) {
            throw c.unsupported("rope_parameters per layer type");
        }
        String type = params.isObject() ? params.path("rope_type").asText(params.path("type").asText("default")) : "default";
        if (!SUPPORTED.contains(type)) {
            throw c.unsupported("rope type '" + type + "' (supported: " + String.join(", ", SUPPORTED) + ")");
        }
        double partial = params.path("partial_rotary_factor").asDouble(c.doubleOr("partial_rotary_factor", 1.0));
        c.refuseUnless(partial == 1.0, "partial_rotary_factor", "only full rotary embeddings are implemented");
        double theta = params.has("rope_theta") && !params.get("rope_theta").isNull()
                ? params.get("rope_theta").asDouble() : c.doubleOr("rope_theta", 10000.0);
        return new RopeSettings(type, theta, params.path("factor").asDouble(1.0),
                params.path("low_freq_factor").asDouble(1.0), params.path("high_freq_factor").asDouble(4.0),
                params.path("original_max_position_embeddings").asInt(c.intOr("original_max_position_embeddings", maxPositions)));
    }

    void putInto(ConfigReader c) {
        c.put("rope_type", type).put("rope_theta", theta).put("rope_factor", factor)
                .put("low_freq_factor", lowFreqFactor).put("high_freq_factor", highFreqFactor)
                .put("original_max_position_embeddings", originalMaxPositions);
    }
}
