package dev.modelport.runtime.bert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.nn.Activation;
import dev.modelport.runtime.nn.EncoderNetwork;
import dev.modelport.runtime.nn.EncoderNetwork.HeadBlock;
import dev.modelport.runtime.nn.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** BERT, RoBERTa and XLM-RoBERTa: one layout, with RoBERTa's positions and heads. */
public final class BertFamily {

    private enum Variant {
        BERT("Bert", "bert", Set.of("bert"), false),
        ROBERTA("Roberta", "roberta", Set.of("roberta"), true),
        XLM_ROBERTA("XLMRoberta", "roberta", Set.of("xlm-roberta"), true);

        final String stem;
        final String prefix;
        final Set<String> modelTypes;
        final boolean roberta;

        Variant(String stem, String prefix, Set<String> modelTypes, boolean roberta) {
            this.stem = stem;
            this.prefix = prefix;
            this.modelTypes = modelTypes;
            this.roberta = roberta;
        }
    }

    private BertFamily() {
    }

    public static List<Architecture> architectures() {
        List<Architecture> all = new ArrayList<>();
        for (Variant v : Variant.values()) {
            Architecture.Checker checker = c -> BertConfig.from(c, v.roberta);
            all.add(new Architecture(v.stem + "Model", v.modelTypes, Head.BASE, checker, (w, c) -> load(v, Head.BASE, w, c)));
            all.add(new Architecture(v.stem + "ForSequenceClassification", v.modelTypes, Head.SEQUENCE_CLASSIFICATION, checker,
                    (w, c) -> load(v, Head.SEQUENCE_CLASSIFICATION, w, c)));
            all.add(new Architecture(v.stem + "ForTokenClassification", v.modelTypes, Head.TOKEN_CLASSIFICATION, checker,
                    (w, c) -> load(v, Head.TOKEN_CLASSIFICATION, w, c)));
            all.add(new Architecture(v.stem + "ForMaskedLM", v.modelTypes, Head.MASKED_LM, checker,
                    (w, c) -> load(v, Head.MASKED_LM, w, c)));
            all.add(new Architecture(v.stem + "ForQuestionAnswering", v.modelTypes, Head.QUESTION_ANSWERING, checker,
                    (w, c) -> load(v, Head.QUESTION_ANSWERING, w, c)));
        }
        return all;
    }

    private static EncoderNetwork load(Variant v, Head head, Weights root, JsonNode json) {
        BertConfig c = BertConfig.from(json, v.roberta);
        // Head checkpoints keep the base model under its prefix; a bare BertModel save has none.
        Weights base = root.hasPrefix(v.prefix) ? root.at(v.prefix) : root;
        BertModel model = BertModel.load(base, c);
        HeadBlock block = switch (head) {
            case BASE, CAUSAL_LM -> EncoderNetwork.IDENTITY;
            case SEQUENCE_CLASSIFICATION -> v.roberta
                    ? BertHeads.robertaSequenceClassification(root, c)
                    : BertHeads.bertSequenceClassification(root, base, c);
            case TOKEN_CLASSIFICATION -> BertHeads.perToken(root.at("classifier"), c, c.numLabels());
            case QUESTION_ANSWERING -> BertHeads.perToken(root.at("qa_outputs"), c, 2);
            case MASKED_LM -> v.roberta
                    ? BertHeads.maskedLm(root.at("lm_head"), root.at("lm_head.decoder"), "lm_head.bias", root,
                            model.embeddings().words().table(), Activation.GELU, "layer_norm", c)
                    : BertHeads.maskedLm(root.at("cls.predictions.transform"), root.at("cls.predictions.decoder"),
                            "cls.predictions.bias", root, model.embeddings().words().table(), c.act(), "LayerNorm", c);
        };
        return new EncoderNetwork(model::forward, block);
    }
}
