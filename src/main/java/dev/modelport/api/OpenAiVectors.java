package dev.modelport.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Shapes a pooled vector the way OpenAI's embeddings API does: {@code dimensions} keeps the first n
 * components (re-normalized when the model's vectors are unit length, as OpenAI's are), and
 * {@code base64} is the little-endian float32 bytes, what the openai SDKs decode with numpy.
 */
final class OpenAiVectors {
    /** How far from 1 a norm may be for the vector to count as normalized (float32 rounding). */
    private static final double UNIT_TOLERANCE = 1e-3;

    private OpenAiVectors() {
    }

    static float[] read(JsonNode vector) {
        if (!vector.isArray() || vector.isEmpty() || !vector.get(0).isNumber()) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST,
                    "This deployment does not give one pooled vector per input; deploy it with the default pooling");
        }
        float[] v = new float[vector.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) vector.get(i).asDouble();
        }
        return v;
    }

    static float[] truncate(float[] v, int dimensions) {
        if (dimensions > v.length) {
            throw new ModelportException(ErrorCode.INVALID_REQUEST, "dimensions=" + dimensions
                    + " is more than this model's " + v.length + " dimensions");
        }
        if (dimensions == v.length) {
            return v;
        }
        boolean unit = Math.abs(norm(v) - 1.0) < UNIT_TOLERANCE;
        float[] out = Arrays.copyOf(v, dimensions);
        if (unit) {
            double n = Math.max(norm(out), 1e-12);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] / n);
            }
        }
        return out;
    }

    static String base64(float[] v) {
        ByteBuffer bytes = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            bytes.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
