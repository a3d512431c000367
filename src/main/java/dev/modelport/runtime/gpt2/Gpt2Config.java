package dev.modelport.runtime.gpt2;

import static dev.modelport.runtime.nn.ConfigFields.boolOr;
import static dev.modelport.runtime.nn.ConfigFields.doubleOr;
import static dev.modelport.runtime.nn.ConfigFields.intOr;
import static dev.modelport.runtime.nn.ConfigFields.requireInt;
import static dev.modelport.runtime.nn.ConfigFields.textOr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.nn.Activation;

/** GPT2Config fields the forward pass needs, with transformers' defaults. */
public record Gpt2Config(int vocabSize, int hidden, int layers, int heads, int inner, int positions, double eps,
        Activation act, boolean scaleByLayer) {

    public static Gpt2Config from(JsonNode c) {
        int hidden = intOr(c, "n_embd", 768);
        Gpt2Config config = new Gpt2Config(requireInt(c, "vocab_size"), hidden, intOr(c, "n_layer", 12),
                intOr(c, "n_head", 12), intOr(c, "n_inner", 4 * hidden), intOr(c, "n_positions", 1024),
                doubleOr(c, "layer_norm_epsilon", 1e-5), Activation.of(textOr(c, "activation_function", "gelu_new")),
                boolOr(c, "scale_attn_by_inverse_layer_idx", false));
        if (hidden % config.heads != 0) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    "config.json: n_embd " + hidden + " is not a multiple of n_head " + config.heads);
        }
        if (!boolOr(c, "scale_attn_weights", true)) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "GPT-2 with scale_attn_weights=false is not supported");
        }
        return config;
    }
}
