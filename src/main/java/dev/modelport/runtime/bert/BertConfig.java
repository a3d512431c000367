package dev.modelport.runtime.bert;

import static dev.modelport.runtime.nn.ConfigFields.doubleOr;
import static dev.modelport.runtime.nn.ConfigFields.intOr;
import static dev.modelport.runtime.nn.ConfigFields.requireInt;
import static dev.modelport.runtime.nn.ConfigFields.textOr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.ConfigFields;

/**
 * BertConfig / RobertaConfig fields the forward pass needs.
 *
 * @param roberta RoBERTa position ids (offset past the padding index, padding keeps it) and no segments
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, Activation act,
        double layerNormEps, int maxPositions, int typeVocabSize, int padTokenId, int numLabels, boolean roberta) {

    public static BertConfig from(JsonNode c, boolean roberta) {
        String positions = textOr(c, "position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE,
                    "position_embedding_type '" + positions + "' is not supported; only 'absolute' is");
        }
        BertConfig config = new BertConfig(requireInt(c, "vocab_size"), requireInt(c, "hidden_size"),
                requireInt(c, "num_hidden_layers"), requireInt(c, "num_attention_heads"), requireInt(c, "intermediate_size"),
                Activation.of(textOr(c, "hidden_act", "gelu")), doubleOr(c, "layer_norm_eps", 1e-12),
                intOr(c, "max_position_embeddings", 512), intOr(c, "type_vocab_size", 2),
                intOr(c, "pad_token_id", roberta ? 1 : 0), ConfigFields.numLabels(c), roberta);
        if (config.hidden % config.heads != 0) {
            throw new ModelportException(ErrorCode.INVALID_CHECKPOINT, "config.json: hidden_size " + config.hidden
                    + " is not a multiple of num_attention_heads " + config.heads);
        }
        return config;
    }
}
