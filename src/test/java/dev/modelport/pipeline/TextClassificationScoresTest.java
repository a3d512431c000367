package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.pipeline.TextClassificationPipeline.LabelScore;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextClassificationScoresTest {
    private static final Labels LABELS = Labels.of(config(), 3);

    private static ObjectNode config() {
        ObjectNode c = Json.object();
        c.putObject("id2label").put("0", "neg").put("1", "neu").put("2", "pos");
        return c;
    }

    @Test
    void softmaxSortsAndCutsToTopK() {
        float[] logits = {1f, 3f, 2f};
        double sum = Math.exp(1) + Math.exp(3) + Math.exp(2);
        List<LabelScore> top = TextClassificationPipeline.score(logits, "softmax", 2, LABELS);
        assertEquals(List.of("neu", "pos"), top.stream().map(LabelScore::label).toList());
        assertEquals(Math.exp(3) / sum, top.get(0).score(), 1e-12);
        assertEquals(Math.exp(2) / sum, top.get(1).score(), 1e-12);
        assertEquals(3, TextClassificationPipeline.score(logits, "softmax", null, LABELS).size());
    }

    @Test
    void sigmoidAndNoneScoreEachLabelAlone() {
        float[] logits = {-2f, 0f, 2f};
        List<LabelScore> sig = TextClassificationPipeline.score(logits, "sigmoid", null, LABELS);
        assertEquals("pos", sig.get(0).label());
        assertEquals(1 / (1 + Math.exp(-2)), sig.get(0).score(), 1e-12);
        assertEquals(0.5, sig.get(1).score(), 1e-12);
        List<LabelScore> raw = TextClassificationPipeline.score(logits, "none", 1, LABELS);
        assertEquals(2.0, raw.getFirst().score(), 1e-12);
    }

    @Test
    void defaultFunctionFollowsProblemTypeAndLabelCount() {
        assertEquals("softmax", TextClassificationPipeline.defaultFunction(Json.object(), 2));
        assertEquals("sigmoid", TextClassificationPipeline.defaultFunction(Json.object(), 1));
        assertEquals("sigmoid", TextClassificationPipeline.defaultFunction(
                Json.object().put("problem_type", "multi_label_classification"), 5));
        assertEquals("none", TextClassificationPipeline.defaultFunction(Json.object().put("problem_type", "regression"), 1));
    }

    @Test
    void missingLabelNamesBecomeLabelN() {
        Labels unnamed = Labels.of(Json.object(), 2);
        assertEquals("LABEL_1", unnamed.name(1));
    }
}
