package dev.modelport.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import dev.modelport.runtime.FloatTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PoolingTest {
    /** [B=1, T=3, H=2]; the last token is padding with huge values that must not leak in. */
    private static final FloatTensor HIDDEN = new FloatTensor(new float[] {1, 2, 3, -4, 1000, 1000}, new long[] {1, 3, 2});

    @Test
    void meanMaxClsAndLastTokenReadOnlyRealTokens() {
        assertArrayEquals(new float[] {2, -1}, new Pooling(List.of("mean"), false).pool(HIDDEN, 0, 2));
        assertArrayEquals(new float[] {3, 2}, new Pooling(List.of("max"), false).pool(HIDDEN, 0, 2));
        assertArrayEquals(new float[] {1, 2}, new Pooling(List.of("cls"), false).pool(HIDDEN, 0, 2));
        assertArrayEquals(new float[] {3, -4}, new Pooling(List.of("lasttoken"), false).pool(HIDDEN, 0, 2));
        // weights 1 and 2: (1*1 + 2*3)/3, (1*2 + 2*-4)/3
        assertArrayEquals(new float[] {7f / 3, -2f}, new Pooling(List.of("weightedmean"), false).pool(HIDDEN, 0, 2), 1e-6f);
        assertArrayEquals(new float[] {(float) (4 / Math.sqrt(2)), (float) (-2 / Math.sqrt(2))},
                new Pooling(List.of("mean_sqrt_len"), false).pool(HIDDEN, 0, 2), 1e-6f);
    }

    @Test
    void severalModesConcatenateAndNormalizeMakesUnitLength() {
        float[] both = new Pooling(List.of("cls", "mean"), false).pool(HIDDEN, 0, 2);
        assertArrayEquals(new float[] {1, 2, 2, -1}, both);
        float[] unit = new Pooling(List.of("mean"), true).pool(HIDDEN, 0, 2);
        assertArrayEquals(new float[] {(float) (2 / Math.sqrt(5)), (float) (-1 / Math.sqrt(5))}, unit, 1e-6f);
    }

    @Test
    void cosineOfParallelAndOrthogonalVectors() {
        assertEquals(1.0, Pooling.cosine(new float[] {1, 2}, new float[] {2, 4}), 1e-9);
        assertEquals(0.0, Pooling.cosine(new float[] {1, 0}, new float[] {0, 3}), 1e-9);
    }
}
