package dev.modelport.pipeline;

import java.util.Arrays;
import java.util.Collection;
import java.util.SplittableRandom;

/**
 * Picks the next token from float32 logits on the CPU, as transformers' logits processors and
 * warpers do in this order: repetition penalty (divide positive logits, multiply negative ones of
 * tokens already in the sequence), then for sampling temperature, top-k, top-p, and a draw from the
 * softmax with a seeded generator so a seed reproduces the text.
 */
final class SamplingStrategy {

    /**
     * The chosen token and its log-probability under the distribution it was chosen from.
     *
     * @param raw the raw logits' log-probabilities when {@code top_n_tokens} asked for them, else null
     */
    record Choice(long id, double logprob, Raw raw) {
        Choice(long id, double logprob) {
            this(id, logprob, null);
        }
    }

    /** Log-softmax of the unprocessed logits: the chosen token's and the top n (most probable first). */
    record Raw(double logprob, long[] topIds, double[] topLogprobs) {
    }

    private final GenerationParams params;
    private final SplittableRandom random;

    SamplingStrategy(GenerationParams params) {
        this.params = params;
        this.random = params.seed() == null ? new SplittableRandom() : new SplittableRandom(params.seed());
    }

    /** @param seen the prompt's and the generated tokens (for the repetition penalty); {@code logits} is modified */
    Choice next(float[] logits, Collection<Long> seen) {
        // the raw distribution is read before the processors below change the logits in place
        float[] raw = params.topNTokens() == null ? null : logits.clone();
        Choice choice = choose(logits, seen);
        return raw == null ? choice : new Choice(choice.id(), choice.logprob(), raw(raw, (int) choice.id(),
                params.topNTokens()));
    }

    private Choice choose(float[] logits, Collection<Long> seen) {
        if (params.repetitionPenalty() != 1.0) {
            float penalty = (float) params.repetitionPenalty();
            for (long id : seen) {
                int i = (int) id;
                if (i >= 0 && i < logits.length) {
                    logits[i] = logits[i] < 0 ? logits[i] * penalty : logits[i] / penalty;
                }
            }
        }
        if (!params.doSample()) {
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return new Choice(best, logSoftmaxAt(logits, best));
        }
        if (params.temperature() != 1.0) {
            float t = (float) params.temperature();
            for (int i = 0; i < logits.length; i++) {
                logits[i] /= t;
            }
        }
        if (params.topK() > 0 && params.topK() < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            float kth = sorted[sorted.length - params.topK()];
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] < kth) {
                    logits[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        double[] probs = softmax(logits);
        if (params.topP() < 1.0) {
            topP(probs, params.topP());
        }
        double u = random.nextDouble();
        double total = 0;
        for (double p : probs) {
            total += p;
        }
        double acc = 0;
        int chosen = -1;
        for (int i = 0; i < probs.length; i++) {
            if (probs[i] <= 0) {
                continue;
            }
            chosen = i;
            acc += probs[i] / total;
            if (u < acc) {
                break;
            }
        }
        return new Choice(chosen, Math.log(probs[chosen] / total));
    }

    /**
     * Keeps the smallest set of most probable tokens whose mass reaches {@code p} (always at least
     * one), zeroing the rest, as transformers' TopPLogitsWarper.
     */
    private static void topP(double[] probs, double p) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double mass = 0;
        int keep = 0;
        while (keep < order.length && (keep == 0 || mass < p)) {
            mass += probs[order[keep]];
            keep++;
        }
        for (int i = keep; i < order.length; i++) {
            probs[order[i]] = 0;
        }
    }

    private static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] out = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** The log-softmax at {@code chosen} and the {@code n} largest, found in one pass with a small sorted window. */
    static Raw raw(float[] logits, int chosen, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        int[] top = new int[n];
        int kept = 0;
        for (int i = 0; i < logits.length && n > 0; i++) {
            if (kept == n && logits[i] <= logits[top[n - 1]]) {
                continue;
            }
            int at = kept == n ? n - 1 : kept++;
            // ties keep the lower id first, as torch.topk does on CPU in practice
            while (at > 0 && logits[top[at - 1]] < logits[i]) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        long[] ids = new long[kept];
        double[] values = new double[kept];
        for (int k = 0; k < kept; k++) {
            ids[k] = top[k];
            values[k] = logits[top[k]] - logZ;
        }
        return new Raw(logits[chosen] - logZ, ids, values);
    }

    private static double logSoftmaxAt(float[] logits, int index) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[index] - max - Math.log(sum);
    }
}
