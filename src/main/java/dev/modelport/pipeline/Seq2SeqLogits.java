package dev.modelport.pipeline;

import java.util.HashSet;
import java.util.Set;

/**
 * transformers' logits processors for an encoder-decoder's generation, in the order its
 * {@code _get_logits_processor} applies them: repetition penalty (over the decoder's tokens so far),
 * no-repeat n-grams, bad words, min length, forced BOS, forced EOS, then (beam search with
 * {@code renormalize_logits}) a log-softmax again. Greedy decoding runs them on the raw logits, beam
 * search on their log-softmax; float32 throughout, as there. Sampling's warpers (temperature, top-k,
 * top-p) come after, in {@link SamplingStrategy}.
 */
final class Seq2SeqLogits {

    private Seq2SeqLogits() {
    }

    /**
     * Modifies {@code scores} in place for the decoder sequence {@code ids[0..length)} (start token
     * included).
     */
    static void process(float[] scores, long[] ids, int length, Seq2SeqDecoding d) {
        if (d.repetitionPenalty() != 1.0) {
            float penalty = (float) d.repetitionPenalty();
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < length; i++) {
                long id = ids[i];
                if (id >= 0 && id < scores.length && seen.add(id)) {
                    float s = scores[(int) id];
                    scores[(int) id] = s < 0 ? s * penalty : s / penalty;
                }
            }
        }
        int n = d.noRepeatNgramSize();
        if (n > 0 && length >= n) {
            // every earlier window whose first n-1 tokens equal the last n-1 bans its own last token
            for (int start = 0; start + n <= length; start++) {
                boolean match = true;
                for (int j = 0; j < n - 1 && match; j++) {
                    match = ids[start + j] == ids[length - n + 1 + j];
                }
                long banned = ids[start + n - 1];
                if (match && banned >= 0 && banned < scores.length) {
                    scores[(int) banned] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        for (long[] bad : d.badWords()) {
            long last = bad[bad.length - 1];
            if (last < 0 || last >= scores.length) {
                continue;
            }
            boolean match = bad.length - 1 <= length;
            for (int j = 0; match && j < bad.length - 1; j++) {
                match = ids[length - (bad.length - 1) + j] == bad[j];
            }
            if (match) {
                scores[(int) last] = Float.NEGATIVE_INFINITY;
            }
        }
        if (length < d.minLength()) {
            for (long e : d.eos()) {
                if (e >= 0 && e < scores.length) {
                    scores[(int) e] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        if (d.forcedBos() != null && length == 1) {
            force(scores, java.util.List.of(d.forcedBos()));
        }
        if (!d.forcedEos().isEmpty() && length == d.maxLength() - 1) {
            force(scores, d.forcedEos());
        }
    }

    private static void force(float[] scores, java.util.List<Long> tokens) {
        java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        for (long t : tokens) {
            if (t >= 0 && t < scores.length) {
                scores[(int) t] = 0f;
            }
        }
    }

    /** log_softmax in float32 (the max and the log-sum-exp in double, then rounded as torch's kernel rounds). */
    static float[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        float shift = (float) (max + Math.log(sum));
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - shift;
        }
        return out;
    }

    /** In place: {@link #logSoftmax}. */
    static void renormalize(float[] scores) {
        float[] out = logSoftmax(scores);
        System.arraycopy(out, 0, scores, 0, scores.length);
    }
}
