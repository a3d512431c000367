package dev.modelport.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * transformers' question-answering span selection for one chunk ({@code select_starts_ends} and
 * {@code decode_spans} of transformers 4.57): logits of tokens that cannot be in an answer are set
 * to -10000 (the CLS token stays), start and end are soft-maxed separately, the first token's
 * probabilities give the no-answer score and are then zeroed, a span (s, e) with s ≤ e and
 * e - s < maxAnswerLen scores start[s] × end[e]; the best {@code candidates} spans are taken, and
 * of those only the ones whose start and end tokens may be in an answer are kept.
 */
final class SpanDecoder {
    private static final float MASKED = -10000f;

    record Span(int start, int end, double score) {
    }

    /** The chunk's kept spans, best first, and its no-answer score (start[0] × end[0] before it is zeroed). */
    record ChunkResult(List<Span> spans, double nullScore) {
    }

    private SpanDecoder() {
    }

    /**
     * @param allowed per token: may be part of an answer (context tokens, and CLS)
     * @param candidates how many of the best spans to consider before dropping those on tokens
     *     that are not allowed
     */
    static ChunkResult decode(float[] startLogits, float[] endLogits, boolean[] allowed, int candidates, int maxAnswerLen) {
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
        // enumerated in the order of transformers' flattened [start, end] score matrix; the sort is
        // stable, so equal scores keep that order (numpy's partition leaves the order of ties open)
        List<Span> spans = new ArrayList<>();
        for (int s = 0; s < length; s++) {
            for (int e = s; e < Math.min(length, s + maxAnswerLen); e++) {
                spans.add(new Span(s, e, start[s] * end[e]));
            }
        }
        spans.sort(Comparator.comparingDouble(Span::score).reversed());
        List<Span> kept = new ArrayList<>();
        for (Span span : spans.subList(0, Math.min(candidates, spans.size()))) {
            if (allowed[span.start()] && allowed[span.end()]) {
                kept.add(span);
            }
        }
        return new ChunkResult(List.copyOf(kept), nullScore);
    }
}
