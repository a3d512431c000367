package dev.modelport.pipeline;

import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.runtime.EncodedInputs;
import dev.modelport.runtime.Seq2SeqCache;
import dev.modelport.runtime.Seq2SeqModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One encoder-decoder generation per input, as transformers' generate() decodes it: greedy (or
 * seeded sampling) with the logits processors of {@link Seq2SeqLogits}, or beam search exactly as
 * transformers 4.57 / 5.18's vectorised {@code _beam_search} keeps its running and finished beams
 * (the top {@code max(2, 1 + eos tokens) × num_beams} continuations of all beams, finished ones scored
 * with the length penalty, the early-stopping heuristic, {@code early_stopping} true, false or
 * "never"), in float32 as there. Decode steps go through the pipeline's {@link GenerationBatcher}, so
 * the steps of every running generation (every beam of every input of every request) share batched
 * forward passes; a beam search reorders its caches in the program between steps.
 */
final class Seq2SeqSearch {

    /** transformers' stand-in for minus infinity in beam scores (a float32 constant there). */
    private static final float NEG = -1.0e9f;

    /** A generated decoder sequence (start token first) and why it ended. */
    record Hypothesis(long[] ids, String finishReason) {
    }

    /** Sees a greedy generation's tokens as they come (streaming); false stops it ("cancelled"). */
    interface Watch {
        Watch NONE = (id, logprob, finish) -> true;

        boolean onToken(long id, double logprob, String finishReason);

        /** The raw logits of each step, before the processors (tests compare them with transformers'). */
        default void onLogits(float[] raw) {
        }
    }

    private final Seq2SeqModel model;
    private final GenerationBatcher<Seq2SeqCache> batcher;

    Seq2SeqSearch(Seq2SeqModel model, GenerationBatcher<Seq2SeqCache> batcher) {
        this.model = model;
        this.batcher = batcher;
    }

    /** Generates from row {@code row} of {@code encoded}: one hypothesis, or num_return_sequences best beams. */
    List<Hypothesis> generate(EncodedInputs encoded, int row, Seq2SeqDecoding d, Watch watch) {
        if (d.maxLength() > model.decoderContext()) {
            throw new ModelportException(ErrorCode.INPUT_TOO_LARGE, "max_length " + d.maxLength()
                    + " is beyond this model's decoder, which takes " + model.decoderContext() + " tokens");
        }
        if (d.maxLength() <= 1) {
            return List.of(new Hypothesis(new long[] {d.decoderStart()}, "length"));
        }
        batcher.join();
        try {
            return d.numBeams() == 1 ? greedy(encoded, row, d, watch) : beams(encoded, row, d, watch);
        } finally {
            batcher.leave();
        }
    }

    private List<Hypothesis> greedy(EncodedInputs encoded, int row, Seq2SeqDecoding d, Watch watch) {
        SamplingStrategy sampler = d.doSample() ? new SamplingStrategy(new GenerationParams(d.maxLength(), true,
                d.temperature(), d.topK(), d.topP(), 1.0, d.seed(), List.of(), false, Set.of(), null)) : null;
        long[] ids = new long[d.maxLength()];
        ids[0] = d.decoderStart();
        int length = 1;
        try (Seq2SeqCache cache = model.newCache(encoded, row)) {
            float[] logits = batcher.step(cache, d.decoderStart());
            checkInterrupted();
            while (true) {
                watch.onLogits(logits);
                float[] scores = logits.clone();
                Seq2SeqLogits.process(scores, ids, length, d);
                long token;
                double logprob;
                if (sampler != null) {
                    SamplingStrategy.Choice choice = sampler.next(scores, List.of());
                    token = choice.id();
                    logprob = choice.logprob();
                } else {
                    int best = 0;
                    for (int i = 1; i < scores.length; i++) {
                        if (scores[i] > scores[best]) {
                            best = i;
                        }
                    }
                    token = best;
                    logprob = Seq2SeqLogits.logSoftmax(scores)[best];
                }
                ids[length++] = token;
                String finish = d.eos().contains(token) ? "eos_token" : length >= d.maxLength() ? "length" : null;
                if (!watch.onToken(token, logprob, finish)) {
                    return List.of(new Hypothesis(Arrays.copyOf(ids, length), "cancelled"));
                }
                if (finish != null) {
                    return List.of(new Hypothesis(Arrays.copyOf(ids, length), finish));
                }
                logits = batcher.step(cache, token);
                checkInterrupted();
            }
        }
    }

    /**
     * transformers' _beam_search for one batch item. Each step is shown to {@code watch} as the best
     * running beam's newest token (counted and timed; the text comes at the end); false stops it.
     */
    private List<Hypothesis> beams(EncodedInputs encoded, int row, Seq2SeqDecoding d, Watch watch) {
        int k = d.numBeams();
        int maxLength = d.maxLength();
        int keep = Math.max(2, 1 + d.eos().size()) * k;
        double lengthPenalty = d.lengthPenalty();
        boolean earlyTrue = d.earlyStopping().equals("true");
        long[][] running = new long[k][maxLength];
        float[] runningScores = new float[k];
        Arrays.fill(runningScores, 1, k, NEG);
        long[][] finished = new long[k][];
        float[] finishedScores = new float[k];
        Arrays.fill(finishedScores, NEG);
        boolean[] isFinished = new boolean[k];
        for (int b = 0; b < k; b++) {
            running[b][0] = d.decoderStart();
            finished[b] = new long[] {d.decoderStart()};
        }
        boolean improvable = true;
        int curLen = 1;
        Seq2SeqCache[] caches = new Seq2SeqCache[k];
        try {
            for (int b = 0; b < k; b++) {
                caches[b] = model.newCache(encoded, row);
            }
            // every beam starts as the same sequence: one row runs, and since all continuations of the
            // first step come from beam 0 (the others score -1e9), the reorder after it copies that row
            float[] first = batcher.step(caches[0], d.decoderStart());
            checkInterrupted();
            float[][] logits = new float[k][];
            Arrays.fill(logits, first);
            while (true) {
                int vocab = logits[0].length;
                float[] accumulated = new float[k * vocab];
                for (int b = 0; b < k; b++) {
                    float[] scores = Seq2SeqLogits.logSoftmax(logits[b]);
                    Seq2SeqLogits.process(scores, running[b], curLen, d);
                    if (d.renormalize()) {
                        Seq2SeqLogits.renormalize(scores);
                    }
                    for (int v = 0; v < vocab; v++) {
                        accumulated[b * vocab + v] = scores[v] + runningScores[b];
                    }
                }
                int[] top = topK(accumulated, keep);
                float[] topScores = new float[keep];
                int[] topBeam = new int[keep];
                long[][] topSeqs = new long[keep][];
                boolean[] hits = new boolean[keep];
                for (int i = 0; i < keep; i++) {
                    topScores[i] = accumulated[top[i]];
                    topBeam[i] = top[i] / vocab;
                    long token = top[i] % vocab;
                    topSeqs[i] = Arrays.copyOf(running[topBeam[i]], maxLength);
                    topSeqs[i][curLen] = token;
                    hits[i] = d.eos().contains(token) || curLen + 1 >= maxLength;
                }
                // e. the best num_beams continuations that have not finished run on
                float[] runningCandidates = new float[keep];
                for (int i = 0; i < keep; i++) {
                    runningCandidates[i] = topScores[i] + (hits[i] ? NEG : -0.0f);
                }
                int[] next = topK(runningCandidates, k);
                int[] parents = new int[k];
                long[][] nextRunning = new long[k][];
                float[] nextScores = new float[k];
                for (int b = 0; b < k; b++) {
                    nextRunning[b] = topSeqs[next[b]];
                    nextScores[b] = runningCandidates[next[b]];
                    parents[b] = topBeam[next[b]];
                }
                // f. finished continuations among the top num_beams join the finished beams if they score better
                boolean allFinished = true;
                for (boolean f : isFinished) {
                    allFinished &= f;
                }
                float divisor = (float) Math.pow(curLen + 1 - 1, lengthPenalty);
                float[] mergedScores = new float[k + keep];
                long[][] mergedSeqs = new long[k + keep][];
                boolean[] mergedFinished = new boolean[k + keep];
                for (int b = 0; b < k; b++) {
                    mergedScores[b] = finishedScores[b];
                    mergedSeqs[b] = finished[b];
                    mergedFinished[b] = isFinished[b];
                }
                for (int i = 0; i < keep; i++) {
                    boolean justFinished = hits[i] && i < k;
                    float s = topScores[i] / divisor;
                    s += (allFinished && earlyTrue) ? NEG : -0.0f;
                    s += improvable ? -0.0f : NEG;
                    s += justFinished ? -0.0f : NEG;
                    mergedScores[k + i] = s;
                    mergedSeqs[k + i] = Arrays.copyOf(topSeqs[i], curLen + 1);
                    mergedFinished[k + i] = justFinished;
                }
                int[] best = topK(mergedScores, k);
                long[][] newFinished = new long[k][];
                float[] newFinishedScores = new float[k];
                boolean[] newIsFinished = new boolean[k];
                for (int b = 0; b < k; b++) {
                    newFinished[b] = mergedSeqs[best[b]];
                    newFinishedScores[b] = mergedScores[best[b]];
                    newIsFinished[b] = mergedFinished[best[b]];
                }
                finished = newFinished;
                finishedScores = newFinishedScores;
                isFinished = newIsFinished;
                running = nextRunning;
                runningScores = nextScores;
                curLen++;
                // the early-stopping heuristic: can a running beam still beat the worst finished one?
                int bestLength = d.earlyStopping().equals("never") && lengthPenalty > 0 ? maxLength - 1 : curLen - 1;
                float bestPossible = runningScores[0] / (float) Math.pow(bestLength, lengthPenalty);
                float worstFinished = Float.POSITIVE_INFINITY;
                for (float s : finishedScores) {
                    worstFinished = Math.min(worstFinished, s);
                }
                boolean anyBetter = false;
                boolean everyFinished = true;
                for (int b = 0; b < k; b++) {
                    anyBetter |= bestPossible > (isFinished[b] ? worstFinished : NEG);
                    everyFinished &= isFinished[b];
                }
                improvable &= anyBetter;
                boolean allHit = true;
                for (boolean h : hits) {
                    allHit &= h;
                }
                if (!watch.onToken(running[0][curLen - 1], runningScores[0], null)) {
                    return List.of(new Hypothesis(Arrays.copyOf(running[0], curLen), "cancelled"));
                }
                if (!improvable || (everyFinished && earlyTrue) || allHit) {
                    break;
                }
                model.reorder(caches, parents);
                long[] tokens = new long[k];
                for (int b = 0; b < k; b++) {
                    tokens[b] = running[b][curLen - 1];
                }
                logits = batcher.steps(Arrays.asList(caches), tokens);
                checkInterrupted();
            }
        } finally {
            for (Seq2SeqCache cache : caches) {
                if (cache != null) {
                    cache.close();
                }
            }
        }
        List<Hypothesis> out = new ArrayList<>();
        for (int b = 0; b < d.numReturnSequences(); b++) {
            long[] ids = finished[b];
            long last = ids[ids.length - 1];
            out.add(new Hypothesis(ids, ids.length > 1 && d.eos().contains(last) ? "eos_token" : "length"));
        }
        return out;
    }

    /**
     * The indices of the k largest values, largest first; equal values keep the lower index first.
     * -0.0 and 0.0 count as equal, as in torch.
     */
    static int[] topK(float[] values, int k) {
        int n = Math.min(k, values.length);
        int[] best = new int[n];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (size == n && !(v > values[best[n - 1]])) {
                continue;
            }
            int at = size < n ? size++ : n - 1;
            while (at > 0 && v > values[best[at - 1]]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        return best;
    }

    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ModelportException(ErrorCode.INTERRUPTED, "The generation was interrupted");
        }
    }
}
