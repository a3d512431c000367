package dev.modelport.runtime;

/**
 * How far an int8 model's outputs are from the same model's float32 outputs on the same inputs,
 * row by row over the last axis of the output (a label's logits, a token's vector, a position's
 * next-token logits). Measured once, at {@code creating}, on the deployment's warm-up inputs.
 *
 * @param minCosine the worst row's cosine similarity
 * @param meanCosine the mean over rows
 * @param maxAbsDiff the largest difference of any output value
 * @param top1Agreement the share of rows whose largest value is at the same index
 * @param rows how many rows were compared
 */
public record QuantizationError(double minCosine, double meanCosine, double maxAbsDiff, double top1Agreement, int rows) {

    /**
     * Compares two outputs of one shape row by row; {@code keep[r]} false leaves row r out (padding).
     *
     * @param keep one flag per row, or null to keep every row
     */
    public static QuantizationError between(FloatTensor reference, FloatTensor quantized, boolean[] keep) {
        int width = reference.dim(reference.shape().length - 1);
        int rows = reference.data().length / Math.max(1, width);
        double minCos = 1;
        double sumCos = 0;
        double maxDiff = 0;
        int agree = 0;
        int kept = 0;
        float[] a = reference.data();
        float[] b = quantized.data();
        for (int r = 0; r < rows; r++) {
            if (keep != null && !keep[r]) {
                continue;
            }
            int o = r * width;
            double dot = 0;
            double na = 0;
            double nb = 0;
            int argA = 0;
            int argB = 0;
            for (int i = 0; i < width; i++) {
                dot += (double) a[o + i] * b[o + i];
                na += (double) a[o + i] * a[o + i];
                nb += (double) b[o + i] * b[o + i];
                maxDiff = Math.max(maxDiff, Math.abs(a[o + i] - b[o + i]));
                argA = a[o + i] > a[o + argA] ? i : argA;
                argB = b[o + i] > b[o + argB] ? i : argB;
            }
            double cos = na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
            minCos = Math.min(minCos, cos);
            sumCos += cos;
            agree += argA == argB ? 1 : 0;
            kept++;
        }
        if (kept == 0) {
            throw new IllegalArgumentException("no rows to compare");
        }
        return new QuantizationError(minCos, sumCos / kept, maxDiff, (double) agree / kept, kept);
    }
}
