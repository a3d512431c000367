package dev.modelport.runtime.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.nn.Embedding;
import dev.modelport.runtime.nn.Inputs;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Weights;

/** BertEmbeddings / RobertaEmbeddings: word + position + token type, then LayerNorm. */
record BertEmbeddings(Embedding words, Embedding positions, Embedding tokenTypes, LayerNorm layerNorm, BertConfig config) {

    static BertEmbeddings load(Weights w, BertConfig c) {
        return new BertEmbeddings(Embedding.load(w.at("word_embeddings"), c.vocabSize(), c.hidden()),
                Embedding.load(w.at("position_embeddings"), c.maxPositions(), c.hidden()),
                Embedding.load(w.at("token_type_embeddings"), c.typeVocabSize(), c.hidden()),
                LayerNorm.load(w.at("LayerNorm"), c.hidden(), c.layerNormEps()), c);
    }

    NDArray forward(NDManager manager, EncoderBatch batch) {
        long[][] ids = batch.inputIds();
        long[][] positionIds = config.roberta() ? robertaPositions(ids) : bertPositions(ids);
        // RoBERTa tokenizers do not hand token_type_ids to the model; its single segment row is used.
        long[][] typeIds = batch.tokenTypeIds() == null || config.roberta()
                ? new long[ids.length][batch.sequenceLength()]
                : batch.tokenTypeIds();
        NDArray x = words.forward(Inputs.ids(manager, ids, config.vocabSize(), "token id"));
        x.addi(positions.forward(Inputs.ids(manager, positionIds, config.maxPositions(), "position")));
        x.addi(tokenTypes.forward(Inputs.ids(manager, typeIds, config.typeVocabSize(), "token type id")));
        return layerNorm.forward(x);
    }

    private long[][] bertPositions(long[][] ids) {
        int t = ids.length == 0 ? 0 : ids[0].length;
        checkLength(t);
        long[][] p = new long[ids.length][t];
        for (long[] row : p) {
            for (int j = 0; j < t; j++) {
                row[j] = j;
            }
        }
        return p;
    }

    /** create_position_ids_from_input_ids: cumsum of non-padding tokens, offset by padding_idx. */
    private long[][] robertaPositions(long[][] ids) {
        int pad = config.padTokenId();
        int t = ids.length == 0 ? 0 : ids[0].length;
        checkLength(t + pad + 1);
        long[][] p = new long[ids.length][t];
        for (int i = 0; i < ids.length; i++) {
            long count = 0;
            for (int j = 0; j < t; j++) {
                boolean real = ids[i][j] != pad;
                count += real ? 1 : 0;
                p[i][j] = real ? count + pad : pad;
            }
        }
        return p;
    }

    private void checkLength(int neededPositions) {
        if (neededPositions > config.maxPositions()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "the input is longer than the model's "
                    + config.maxPositions() + " positions allow; truncate it");
        }
    }
}
