package dev.modelport.runtime.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * transformers' extended attention mask: {@code [B,1,1,T]} float32 holding 0 for real tokens and
 * the float32 minimum for padding, added to the scores before a float32 softmax. A batch without
 * padding gets none, as adding zeros would only cost a pass over the scores.
 */
public final class AttentionMask {

    private AttentionMask() {
    }

    /** @return the mask, or null when every position is a real token */
    public static NDArray additive(NDManager manager, long[][] attentionMask) {
        int b = attentionMask.length;
        int t = b == 0 ? 0 : attentionMask[0].length;
        boolean padded = false;
        for (long[] row : attentionMask) {
            for (long m : row) {
                padded |= m == 0;
            }
        }
        if (!padded) {
            return null;
        }
        float[] values = new float[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                values[i * t + j] = attentionMask[i][j] == 0 ? -Float.MAX_VALUE : 0f;
            }
        }
        return manager.create(values, new Shape(b, 1, 1, t));
    }
}
