package dev.modelport.pipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class FillMaskTopIdsTest {
    private static final double[] PROBS = {0.05, 0.4, 0.1, 0.3, 0.15};

    @Test
    void topKOverTheVocabularyMostLikelyFirst() {
        assertArrayEquals(new int[] {1, 3, 4}, FillMaskPipeline.topIds(PROBS, null, 3));
        assertArrayEquals(new int[] {1, 3, 4, 2, 0}, FillMaskPipeline.topIds(PROBS, null, 50));
    }

    @Test
    void targetsRestrictTheCandidatesAndCapTopK() {
        assertArrayEquals(new int[] {4, 0}, FillMaskPipeline.topIds(PROBS, new long[] {0, 4}, 5));
        assertArrayEquals(new int[] {2}, FillMaskPipeline.topIds(PROBS, new long[] {0, 2}, 1));
    }
}
