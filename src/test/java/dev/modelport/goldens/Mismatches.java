package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Collects every disagreement of one test with transformers' goldens, then fails with all of
 * them: which tensor or field, the max |diff|, where, and a sample of expected against actual.
 */
final class Mismatches {

    private final String what;
    private final List<String> found = new ArrayList<>();

    Mismatches(String what) {
        this.what = what;
    }

    void add(String problem) {
        found.add(problem);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            fail(what + " disagrees with transformers (" + found.size() + "):\n  - " + String.join("\n  - ", found));
        }
    }

    /** Which positions of a [B,T,...] tensor count (attention mask 1), or all when null. */
    interface Positions {
        boolean counts(int b, int t);
    }

    /**
     * Compares expected and actual of the same shape. With {@code positions}, the first two axes
     * are [B,T] and only the positions it accepts are compared. Records a mismatch when the max
     * |diff| exceeds the tolerance; returns that max.
     */
    double compare(String name, long[] shape, float[] expected, long[] actualShape, float[] actual, Positions positions,
            double tolerance) {
        if (!Arrays.equals(shape, actualShape)) {
            add(name + ": shape " + Arrays.toString(actualShape) + ", transformers " + Arrays.toString(shape));
            return Double.NaN;
        }
        // with positions, flat index i is position i / perPosition of the [B,T] grid
        int perPosition = 1;
        for (int axis = 2; axis < shape.length; axis++) {
            perPosition *= (int) shape[axis];
        }
        int steps = shape.length >= 2 ? (int) shape[1] : 1;
        double worst = 0;
        int worstIndex = -1;
        int compared = 0;
        for (int i = 0; i < expected.length; i++) {
            if (positions != null) {
                int position = i / perPosition;
                if (!positions.counts(position / steps, position % steps)) {
                    continue;
                }
            }
            compared++;
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worstIndex = i;
            }
        }
        if (compared == 0) {
            add(name + ": nothing compared");
        } else if (worst > tolerance) {
            int lastWidth = (int) shape[shape.length - 1];
            int rowStart = worstIndex / lastWidth * lastWidth;
            int n = Math.min(lastWidth, 6);
            add(String.format(Locale.ROOT, "%s: max |diff| %.3g > %.1g at %s (expected %.6g, actual %.6g); row sample expected %s actual %s",
                    name, worst, tolerance, index(shape, worstIndex), expected[worstIndex], actual[worstIndex],
                    sample(expected, rowStart, n), sample(actual, rowStart, n)));
        }
        return worst;
    }

    static String index(long[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            idx[axis] = (int) (flat % shape[axis]);
            flat /= (int) shape[axis];
        }
        return Arrays.toString(idx);
    }

    static String sample(float[] data, int from, int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.5f", data[from + i]));
        }
        return s.append(n < data.length - from ? ", ...]" : "]").toString();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
