package dev.modelport.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Span selection on hand-made logits: [CLS] q q [SEP] c c c c [SEP]. */
class SpanDecoderTest {
    private static final boolean[] ALLOWED = {true, false, false, false, true, true, true, true, false};

    private static double[] softmaxMasked(float[] logits) {
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = ALLOWED[i] ? Math.exp(logits[i]) : Math.exp(-10000.0);
            sum += e[i];
        }
        for (int i = 0; i < e.length; i++) {
            e[i] /= sum;
        }
        return e;
    }

    @Test
    void bestSpanIsTheProductOfSeparateSoftmaxes() {
        // question tokens carry the largest logits: they must be masked, not chosen
        float[] start = {0, 9, 9, 9, 1, 4, 0, 0, 9};
        float[] end = {0, 9, 9, 9, 0, 1, 3, 0, 9};
        SpanDecoder.ChunkResult r = SpanDecoder.decode(start, end, ALLOWED, 1, 15);
        double[] ps = softmaxMasked(start);
        double[] pe = softmaxMasked(end);
        assertEquals(1, r.spans().size());
        assertEquals(5, r.spans().getFirst().start());
        assertEquals(6, r.spans().getFirst().end());
        assertEquals(ps[5] * pe[6], r.spans().getFirst().score(), 1e-12);
        assertEquals(ps[0] * pe[0], r.nullScore(), 1e-12);
    }

    @Test
    void endBeforeStartAndOverlongSpansAreExcluded() {
        float[] start = {0, 0, 0, 0, 0, 0, 0, 5, 0};
        float[] end = {0, 0, 0, 0, 5, 0, 0, 1, 0};
        // the best end (4) lies before the best start (7): the best legal span ends at 7
        SpanDecoder.Span best = SpanDecoder.decode(start, end, ALLOWED, 1, 15).spans().getFirst();
        assertEquals(7, best.start());
        assertEquals(7, best.end());

        float[] start2 = {0, 0, 0, 0, 5, 0, 0, 0, 0};
        float[] end2 = {0, 0, 0, 0, 0, 0, 0, 5, 0};
        // max_answer_len 2 forbids 4..7 (4 tokens)
        SpanDecoder.Span limited = SpanDecoder.decode(start2, end2, ALLOWED, 1, 2).spans().getFirst();
        assertTrue(limited.end() - limited.start() < 2);
    }

    @Test
    void topKSpansComeSortedAndClsIsNeverAnAnswer() {
        float[] start = {8, 0, 0, 0, 2, 1, 0, 0, 0};
        float[] end = {8, 0, 0, 0, 2, 1, 0, 0, 0};
        SpanDecoder.ChunkResult r = SpanDecoder.decode(start, end, ALLOWED, 3, 15);
        assertEquals(3, r.spans().size());
        for (int i = 1; i < r.spans().size(); i++) {
            assertTrue(r.spans().get(i - 1).score() >= r.spans().get(i).score());
        }
        r.spans().forEach(s -> assertTrue(s.start() > 0));
        // CLS dominates: the no-answer score is larger than any span's
        assertTrue(r.nullScore() > r.spans().getFirst().score());
    }
}
