package dev.modelport.runtime.llama;

import static dev.modelport.runtime.nn.ConfigFields.boolOr;
import static dev.modelport.runtime.nn.ConfigFields.doubleOr;
import static dev.modelport.runtime.nn.ConfigFields.intOr;
import static dev.modelport.runtime.nn.ConfigFields.requireInt;
import static dev.modelport.runtime.nn.ConfigFields.textOr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/**
 * LlamaConfig / Qwen2Config / MistralConfig fields the forward pass needs.
 *
 * @param qkvBias q/k/v projections carry biases (Qwen2 always; Llama when attention_bias)
 * @param contextLength max_position_embeddings (times the factor of dynamic rope scaling), capped
 *     at Mistral's sliding_window so that a sequence never outgrows the window and full causal
 *     attention stays exact
 */
public record LlamaConfig(int vocabSize, int hidden, int intermediate, int layers, int heads, int kvHeads, int headDim,
        double eps, boolean qkvBias, boolean tied, int contextLength) {

    public static LlamaConfig from(JsonNode c, boolean qwen2) {
        int hidden = requireInt(c, "hidden_size");
        int heads = requireInt(c, "num_attention_heads");
        int kvHeads = intOr(c, "num_key_value_heads", heads);
        int headDim = intOr(c, "head_dim", hidden / heads);
        String act = textOr(c, "hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "hidden_act '" + act + "' is not supported; only silu");
        }
        if (heads % kvHeads != 0) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    "config.json: num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int context = intOr(c, "max_position_embeddings", 2048);
        JsonNode scaling = c.path("rope_scaling");
        if ("dynamic".equals(scaling.path("rope_type").asText(scaling.path("type").asText("")))) {
            // dynamic NTK scaling exists to run past the trained length, up to factor times it
            context = (int) (context * scaling.path("factor").asDouble(1.0));
        }
        JsonNode window = c.get("sliding_window");
        boolean windowed = window != null && window.canConvertToInt() && (!qwen2 || boolOr(c, "use_sliding_window", false));
        if (windowed) {
            context = Math.min(context, window.asInt());
        }
        return new LlamaConfig(requireInt(c, "vocab_size"), hidden, requireInt(c, "intermediate_size"),
                requireInt(c, "num_hidden_layers"), heads, kvHeads, headDim, doubleOr(c, "rms_norm_eps", 1e-6),
                qwen2 || boolOr(c, "attention_bias", false), boolOr(c, "tie_word_embeddings", false), context);
    }
}
