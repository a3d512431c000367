package dev.modelport.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sampler's raw log-probabilities (what the OpenAI routes report): the model's log-softmax, whatever the warpers do. */
class RawLogprobsTest {

    private static double[] logSoftmax(float[] logits) {
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l);
        }
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - Math.log(sum);
        }
        return out;
    }

    private static GenerationParams params(boolean sample, double temperature, int topK, double penalty, Integer topN) {
        return new GenerationParams(8, sample, temperature, topK, 1.0, penalty, 5L, List.of(), false, Set.of(), topN);
    }

    @Test
    void topNIsMostProbableFirstWithTiesByLowerId() {
        float[] logits = {1f, 3f, 2f, 3f, -1f};
        SamplingStrategy.Raw raw = SamplingStrategy.raw(logits, 2, 3);
        double[] expected = logSoftmax(logits);
        assertArrayEquals(new long[] {1, 3, 2}, raw.topIds());
        assertArrayEquals(new double[] {expected[1], expected[3], expected[2]}, raw.topLogprobs(), 1e-6);
        assertEquals(expected[2], raw.logprob(), 1e-6);
        assertEquals(0, SamplingStrategy.raw(logits, 0, 0).topIds().length, "top 0: the chosen token only");
    }

    @Test
    void valuesAreBeforeTemperatureTopKAndPenalty() {
        float[] logits = {0.5f, 2f, 1.5f, -3f, 1f};
        double[] expected = logSoftmax(logits);
        SamplingStrategy sampler = new SamplingStrategy(params(true, 0.3, 2, 1.3, 2));
        SamplingStrategy.Choice choice = sampler.next(logits.clone(), List.of(1L));
        assertEquals(expected[(int) choice.id()], choice.raw().logprob(), 1e-6);
        assertArrayEquals(new long[] {1, 2}, choice.raw().topIds());
        assertNull(new SamplingStrategy(params(false, 1, 0, 1, null)).next(logits.clone(), List.of()).raw(),
                "not computed unless asked");
    }
}
