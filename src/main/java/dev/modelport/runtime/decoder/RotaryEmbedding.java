package dev.modelport.runtime.decoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

/**
 * Rotary position embeddings as transformers' Llama computes them (rotate_half convention), with
 * {@code rope_theta} and the {@code rope_scaling} types default, linear, dynamic (NTK, the base
 * grown from the longest position of the call) and llama3 (per-frequency smoothing).
 */
public final class RotaryEmbedding {

    private enum Kind { DEFAULT, LINEAR, DYNAMIC, LLAMA3 }

    private final int dim;
    private final double theta;
    private final Kind kind;
    private final double factor;
    private final int maxPositions;
    private final float[] invFreq;

    private RotaryEmbedding(int dim, double theta, Kind kind, double factor, int maxPositions, float[] invFreq) {
        this.dim = dim;
        this.theta = theta;
        this.kind = kind;
        this.factor = factor;
        this.maxPositions = maxPositions;
        this.invFreq = invFreq;
    }

    /** Reads rope_theta, rope_scaling and max_position_embeddings; refuses scaling types it does not know. */
    public static RotaryEmbedding of(JsonNode config, int headDim) {
        double theta = config.path("rope_theta").asDouble(10000.0);
        int maxPositions = config.path("max_position_embeddings").asInt(2048);
        JsonNode scaling = config.path("rope_scaling");
        if (!scaling.isObject()) {
            return new RotaryEmbedding(headDim, theta, Kind.DEFAULT, 1, maxPositions, baseInvFreq(headDim, theta));
        }
        String type = scaling.has("rope_type") ? scaling.path("rope_type").asText() : scaling.path("type").asText("default");
        double factor = scaling.path("factor").asDouble(1.0);
        float[] base = baseInvFreq(headDim, theta);
        return switch (type) {
            case "default" -> new RotaryEmbedding(headDim, theta, Kind.DEFAULT, 1, maxPositions, base);
            case "linear" -> {
                for (int i = 0; i < base.length; i++) {
                    base[i] = (float) (base[i] / factor);
                }
                yield new RotaryEmbedding(headDim, theta, Kind.LINEAR, factor, maxPositions, base);
            }
            case "dynamic" -> new RotaryEmbedding(headDim, theta, Kind.DYNAMIC, factor,
                    scaling.path("original_max_position_embeddings").asInt(maxPositions), base);
            case "llama3" -> new RotaryEmbedding(headDim, theta, Kind.LLAMA3, factor, maxPositions,
                    llama3(base, factor, scaling.path("low_freq_factor").asDouble(1.0),
                            scaling.path("high_freq_factor").asDouble(4.0),
                            scaling.path("original_max_position_embeddings").asInt(8192)));
            default -> throw new ModelportException(ErrorCode.UNSUPPORTED_ARCHITECTURE, "rope_scaling type '" + type
                    + "' is not supported; supported: default, linear, dynamic, llama3");
        };
    }

    private static float[] baseInvFreq(int dim, double theta) {
        float[] f = new float[dim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / dim));
        }
        return f;
    }

    private static float[] llama3(float[] inv, double factor, double low, double high, int oldContext) {
        double lowWavelen = oldContext / low;
        double highWavelen = oldContext / high;
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highWavelen) {
                out[i] = inv[i];
            } else if (wavelen > lowWavelen) {
                out[i] = (float) (inv[i] / factor);
            } else {
                double smooth = (oldContext / wavelen - low) / (high - low);
                out[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
            }
        }
        return out;
    }

    /** The inverse frequencies used for a call whose last position is {@code lastPosition}. */
    float[] invFreq(int lastPosition) {
        int seqLen = lastPosition + 1;
        if (kind != Kind.DYNAMIC || seqLen <= maxPositions) {
            return invFreq;
        }
        double base = theta * Math.pow(factor * seqLen / maxPositions - (factor - 1), (double) dim / (dim - 2));
        return baseInvFreq(dim, base);
    }

    /** {cos, sin}, each {@code [T, dim]}, for positions start..start+T-1. */
    public NDArray[] cosSin(NDManager work, int start, int t) {
        float[] inv = invFreq(start + t - 1);
        float[] cos = new float[t * dim];
        float[] sin = new float[t * dim];
        for (int p = 0; p < t; p++) {
            fill(cos, sin, p, start + p, inv);
        }
        return new NDArray[] {work.create(cos, new Shape(t, dim)), work.create(sin, new Shape(t, dim))};
    }

    /** {cos, sin}, each {@code [B, 1, 1, dim]}: row b at position {@code positions[b]}, for one decode step of B sequences. */
    public NDArray[] cosSinRows(NDManager work, int[] positions) {
        int b = positions.length;
        float[] cos = new float[b * dim];
        float[] sin = new float[b * dim];
        for (int r = 0; r < b; r++) {
            fill(cos, sin, r, positions[r], invFreq(positions[r]));
        }
        return new NDArray[] {work.create(cos, new Shape(b, 1, 1, dim)), work.create(sin, new Shape(b, 1, 1, dim))};
    }

    private void fill(float[] cos, float[] sin, int row, int position, float[] inv) {
        int half = dim / 2;
        for (int i = 0; i < half; i++) {
            // float32 product as in transformers: position * inv_freq in float32, then cos/sin
            float angle = (float) position * inv[i];
            float c = (float) Math.cos(angle);
            float s = (float) Math.sin(angle);
            cos[row * dim + i] = c;
            cos[row * dim + i + half] = c;
            sin[row * dim + i] = s;
            sin[row * dim + i + half] = s;
        }
    }

    /** {@code x * cos + rotate_half(x) * sin} for x {@code [B, heads, T, dim]}. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        NDList halves = x.split(2, x.getShape().dimension() - 1);
        NDArray rotated = NDArrays.concat(new NDList(halves.get(1).neg(), halves.get(0)), x.getShape().dimension() - 1);
        return x.mul(cos).addi(rotated.muli(sin));
    }
}
