package dev.modelport.runtime.distilbert;

import static dev.modelport.runtime.nn.ConfigFields.intOr;
import static dev.modelport.runtime.nn.ConfigFields.requireInt;
import static dev.modelport.runtime.nn.ConfigFields.textOr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.ConfigFields;

/**
 * DistilBertConfig fields the forward pass needs. Its LayerNorms use a fixed eps of 1e-12, and
 * sinusoidal position tables are stored in the checkpoint like learned ones, so both load alike.
 */
public record DistilBertConfig(int vocabSize, int dim, int layers, int heads, int hiddenDim, Activation act,
        int maxPositions, int numLabels) {

    /** {@code nn.LayerNorm(config.dim, eps=1e-12)} everywhere in modeling_distilbert. */
    static final double LAYER_NORM_EPS = 1e-12;

    public static DistilBertConfig from(JsonNode c) {
        DistilBertConfig config = new DistilBertConfig(requireInt(c, "vocab_size"), requireInt(c, "dim"),
                requireInt(c, "n_layers"), requireInt(c, "n_heads"), requireInt(c, "hidden_dim"),
                Activation.of(textOr(c, "activation", "gelu")), intOr(c, "max_position_embeddings", 512), ConfigFields.numLabels(c));
        if (config.dim % config.heads != 0) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT,
                    "config.json: dim " + config.dim + " is not a multiple of n_heads " + config.heads);
        }
        return config;
    }
}
