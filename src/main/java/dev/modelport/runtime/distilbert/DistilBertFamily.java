package dev.modelport.runtime.distilbert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.Architecture;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.nn.EncoderNetwork;
import dev.modelport.runtime.nn.EncoderNetwork.HeadBlock;
import dev.modelport.runtime.nn.LayerNorm;
import dev.modelport.runtime.nn.Linear;
import dev.modelport.runtime.nn.Weights;
import java.util.List;
import java.util.Set;

/** DistilBERT (transformers' modeling_distilbert) and its heads. */
public final class DistilBertFamily {

    private static final String PREFIX = "distilbert";
    private static final Set<String> MODEL_TYPES = Set.of("distilbert");

    private DistilBertFamily() {
    }

    public static List<Architecture> architectures() {
        Architecture.Checker checker = DistilBertConfig::from;
        return List.of(
                new Architecture("DistilBertModel", MODEL_TYPES, Head.BASE, checker, (w, c) -> load(Head.BASE, w, c)),
                new Architecture("DistilBertForSequenceClassification", MODEL_TYPES, Head.SEQUENCE_CLASSIFICATION, checker,
                        (w, c) -> load(Head.SEQUENCE_CLASSIFICATION, w, c)),
                new Architecture("DistilBertForTokenClassification", MODEL_TYPES, Head.TOKEN_CLASSIFICATION, checker,
                        (w, c) -> load(Head.TOKEN_CLASSIFICATION, w, c)),
                new Architecture("DistilBertForMaskedLM", MODEL_TYPES, Head.MASKED_LM, checker,
                        (w, c) -> load(Head.MASKED_LM, w, c)),
                new Architecture("DistilBertForQuestionAnswering", MODEL_TYPES, Head.QUESTION_ANSWERING, checker,
                        (w, c) -> load(Head.QUESTION_ANSWERING, w, c)));
    }

    private static EncoderNetwork load(Head head, Weights root, JsonNode json) {
        DistilBertConfig c = DistilBertConfig.from(json);
        Weights base = root.hasPrefix(PREFIX) ? root.at(PREFIX) : root;
        DistilBertModel model = DistilBertModel.load(base, c);
        long d = c.dim();
        HeadBlock block = switch (head) {
            case BASE, CAUSAL_LM -> EncoderNetwork.IDENTITY;
            case SEQUENCE_CLASSIFICATION -> {
                Linear pre = Linear.load(root.at("pre_classifier"), d, d);
                Linear classifier = Linear.load(root.at("classifier"), d, c.numLabels());
                yield h -> classifier.forward(pre.forward(EncoderNetwork.firstToken(h)).getNDArrayInternal().relu());
            }
            case TOKEN_CLASSIFICATION -> Linear.load(root.at("classifier"), d, c.numLabels())::forward;
            case QUESTION_ANSWERING -> Linear.load(root.at("qa_outputs"), d, 2)::forward;
            case MASKED_LM -> {
                Linear transform = Linear.load(root.at("vocab_transform"), d, d);
                LayerNorm norm = LayerNorm.load(root.at("vocab_layer_norm"), d, DistilBertConfig.LAYER_NORM_EPS);
                Weights projector = root.at("vocab_projector");
                Linear projection = new Linear(
                        projector.has("weight") ? projector.get("weight", c.vocabSize(), d) : model.words().table(),
                        projector.get("bias", c.vocabSize()));
                yield h -> projection.forward(norm.forward(c.act().apply(transform.forward(h))));
            }
        };
        return new EncoderNetwork(model::forward, block);
    }
}
