package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reranking with a cross-encoder served as text-classification, in Hugging Face TEI's
 * {@code /rerank} shape: each (query, text) pair goes through the classifier as a text pair
 * ({@link #inputs}, {@link #parameters}: raw logits, every label), and {@link #rank} turns the
 * logits into {@code [{"index", "score", "text"?}]}, best first. A cross-encoder has one output:
 * the score is its sigmoid (sentence-transformers' CrossEncoder default for one label, and TEI's),
 * or the logit itself with {@code raw_scores}. A classifier with several labels is not a reranker
 * and is refused.
 */
public final class Reranking {
    private Reranking() {
    }

    /** The text-classification inputs: one {@code {"text": query, "text_pair": text}} per text. */
    public static ArrayNode inputs(String query, List<String> texts) {
        ArrayNode pairs = Json.array();
        for (String text : texts) {
            pairs.addObject().put("text", query).put("text_pair", text);
        }
        return pairs;
    }

    /** The text-classification parameters that give the raw logits of every label. */
    public static ObjectNode parameters() {
        ObjectNode p = Json.object().put("function_to_apply", "none");
        p.putNull("top_k");
        return p;
    }

    /**
     * @param classified text-classification's answer to {@link #inputs}: per pair, its labels and logits
     * @param topN how many to return (null: all)
     */
    public static ArrayNode rank(JsonNode classified, List<String> texts, boolean rawScores, boolean returnText,
                                 Integer topN) {
        if (!classified.isArray() || classified.size() != texts.size()) {
            throw new IllegalStateException("text-classification answered " + classified.size() + " outputs for "
                    + texts.size() + " pairs");
        }
        record Scored(int index, double score) {
        }
        List<Scored> scored = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            JsonNode labels = classified.get(i);
            if (labels.size() != 1) {
                throw new ModelportException(ErrorCode.INVALID_REQUEST, "rerank needs a cross-encoder (a sequence "
                        + "classifier with one output); this model has " + labels.size() + " labels");
            }
            double logit = labels.get(0).path("score").asDouble();
            scored.add(new Scored(i, rawScores ? logit : 1.0 / (1.0 + Math.exp(-logit))));
        }
        // best first; a stable sort keeps the request's order among equal scores
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        int n = topN == null ? scored.size() : Math.min(topN, scored.size());
        ArrayNode out = Json.array();
        for (Scored s : scored.subList(0, n)) {
            ObjectNode item = out.addObject().put("index", s.index()).put("score", s.score());
            if (returnText) {
                item.put("text", texts.get(s.index()));
            }
        }
        return out;
    }
}
