package dev.modelport.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * transformers' question-answering span selection for one chunk: logits of tokens that cannot be
 * in an answer are set to -10000 (the CLS token stays), start and end are soft-maxed separately, the
 * CLS probabilities give the no-answer score and are then zeroed, and a span (s, e) with s ≤ e and
 * e - s < maxAnswerLen scores start[s] × end[e].
 */
final class SpanDecoder {
    private static final float MASKED = -10000f;

    record Span(int start, int end, double score) {
    }

    /** The chunk's best spans and its no-answer score (start[0] × end[0] before CLS is zeroed). */
    record ChunkResult(List<Span> spans, double nullScore) {
    }

    private SpanDecoder() {
    }

    /**
     * @param allowed per token: may be part of an answer (context tokens, and CLS)
     */
    static ChunkResult decode(float[] startLogits, float[] endLogits, boolean[] allowed, int topK, int maxAnswerLen) {
        int length = allowed.length;
        float[] startMasked = new float[length];
        float[] endMasked = new float[length];
        for (int t = 0; t < length; t++) {
            startMasked[t] = allowed[t] ? startLogits[t] : MASKED;
            endMasked[t] = allowed[t] ? endLogits[t] : MASKED;
        }
        double[] start = Activations.softmax(startMasked);
        double[] end = Activations.softmax(endMasked);
        double nullScore = start[0] * end[0];
        start[0] = 0;
        end[0] = 0;
        List<Span> spans = new ArrayList<>();
        for (int s = 0; s < length; s++) {
            if (!allowed[s]) {
                continue;
            }
            for (int e = s; e < Math.min(length, s + maxAnswerLen); e++) {
                if (allowed[e]) {
                    spans.add(new Span(s, e, start[s] * end[e]));
                }
            }
        }
        spans.sort(Comparator.comparingDouble(Span::score).reversed());
        return new ChunkResult(List.copyOf(spans.subList(0, Math.min(topK, spans.size()))), nullScore);
    }
}
