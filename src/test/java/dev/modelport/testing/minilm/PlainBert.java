package dev.modelport.testing.minilm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.modelport.testing.models.SafetensorsTestReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code transformers}' BertModel written out as plain loops over float arrays, for one unpadded
 * sequence. Slow and obvious on purpose: it checks that a written checkpoint means what its key names
 * say, independently of the runtime under test.
 */
public final class PlainBert {

    private final Map<String, float[]> w;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final double eps;

    private PlainBert(Map<String, float[]> weights, JsonNode config) {
        this.w = weights;
        this.hidden = config.path("hidden_size").asInt();
        this.heads = config.path("num_attention_heads").asInt();
        this.layers = config.path("num_hidden_layers").asInt();
        this.eps = config.path("layer_norm_eps").asDouble();
    }

    /** Reads the repo's config.json and model.safetensors (buffers such as position_ids are never looked up). */
    public static PlainBert load(Path repo) throws IOException {
        JsonNode config = new ObjectMapper().readTree(repo.resolve("config.json").toFile());
        Map<String, float[]> weights = new HashMap<>();
        SafetensorsTestReader.readRepo(repo).forEach((name, tensor) -> weights.put(name, tensor.values()));
        return new PlainBert(weights, config);
    }

    /** last_hidden_state [T][H] for one sequence with every token attended. */
    public float[][] lastHiddenState(long[] ids, long[] typeIds) {
        int t = ids.length;
        float[][] x = new float[t][hidden];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < hidden; j++) {
                x[i][j] = w.get("embeddings.word_embeddings.weight")[(int) ids[i] * hidden + j]
                        + w.get("embeddings.position_embeddings.weight")[i * hidden + j]
                        + w.get("embeddings.token_type_embeddings.weight")[(int) typeIds[i] * hidden + j];
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            float[][] attention = linear(selfAttention(x, p + "attention.self."), p + "attention.output.dense");
            x = layerNorm(add(attention, x), p + "attention.output.LayerNorm");
            float[][] inter = linear(x, p + "intermediate.dense");
            for (float[] row : inter) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (0.5 * row[j] * (1 + erf(row[j] / Math.sqrt(2))));
                }
            }
            x = layerNorm(add(linear(inter, p + "output.dense"), x), p + "output.LayerNorm");
        }
        return x;
    }

    private float[][] selfAttention(float[][] x, String prefix) {
        float[][] q = linear(x, prefix + "query");
        float[][] k = linear(x, prefix + "key");
        float[][] v = linear(x, prefix + "value");
        int t = x.length;
        int d = hidden / heads;
        float[][] out = new float[t][hidden];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] scores = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += (double) q[i][h * d + c] * k[j][h * d + c];
                    }
                    scores[j] = s / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double total = 0;
                for (int j = 0; j < t; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    total += scores[j];
                }
                for (int c = 0; c < d; c++) {
                    double s = 0;
                    for (int j = 0; j < t; j++) {
                        s += scores[j] / total * v[j][h * d + c];
                    }
                    out[i][h * d + c] = (float) s;
                }
            }
        }
        return out;
    }

    /** nn.Linear: y = x W^T + b with W stored [out, in]. */
    private float[][] linear(float[][] x, String prefix) {
        float[] weight = w.get(prefix + ".weight");
        float[] bias = w.get(prefix + ".bias");
        int in = x[0].length;
        int out = bias.length;
        float[][] y = new float[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int c = 0; c < in; c++) {
                    s += (double) x[i][c] * weight[o * in + c];
                }
                y[i][o] = (float) s;
            }
        }
        return y;
    }

    private float[][] layerNorm(float[][] x, String prefix) {
        float[] gamma = w.get(prefix + ".weight");
        float[] beta = w.get(prefix + ".bias");
        float[][] y = new float[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double mean = 0, var = 0;
            for (float v : x[i]) {
                mean += v;
            }
            mean /= x[i].length;
            for (float v : x[i]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[i].length;
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = (float) ((x[i][j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j]);
            }
        }
        return y;
    }

    private static float[][] add(float[][] a, float[][] b) {
        float[][] y = new float[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                y[i][j] = a[i][j] + b[i][j];
            }
        }
        return y;
    }

    /** Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7); Java has no erf. */
    static double erf(double x) {
        double sign = Math.signum(x);
        double a = Math.abs(x);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return sign * (1 - poly * Math.exp(-a * a));
    }
}
