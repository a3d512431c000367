package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.testing.models.SafetensorsTestReader;
import dev.modelport.testing.models.SafetensorsTestReader.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * A deliberately plain re-implementation of transformers' modeling_bert, modeling_roberta and
 * modeling_distilbert forward passes (eval mode) over float arrays, one sequence at a time, in
 * double precision. It shares no code with the runtime: weights come from the test-side
 * safetensors parser, every formula is written out here.
 */
final class ReferenceEncoder {

    enum Kind { BERT, ROBERTA, DISTILBERT }

    private final Kind kind;
    private final JsonNode config;
    private final Map<String, Tensor> w;
    private final String base;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final double eps;
    private final String act;

    ReferenceEncoder(Path repo, JsonNode config) {
        this.config = config;
        this.w = SafetensorsTestReader.readRepo(repo);
        String type = config.get("model_type").asText();
        this.kind = type.equals("distilbert") ? Kind.DISTILBERT : type.contains("roberta") ? Kind.ROBERTA : Kind.BERT;
        String prefix = switch (kind) {
            case BERT -> "bert.";
            case ROBERTA -> "roberta.";
            case DISTILBERT -> "distilbert.";
        };
        this.base = w.containsKey(prefix + "embeddings.word_embeddings.weight") ? prefix : "";
        if (kind == Kind.DISTILBERT) {
            hidden = config.get("dim").asInt();
            heads = config.get("n_heads").asInt();
            layers = config.get("n_layers").asInt();
            eps = 1e-12;
            act = config.get("activation").asText();
        } else {
            hidden = config.get("hidden_size").asInt();
            heads = config.get("num_attention_heads").asInt();
            layers = config.get("num_hidden_layers").asInt();
            eps = config.get("layer_norm_eps").asDouble();
            act = config.get("hidden_act").asText();
        }
    }

    /** Last hidden state of one sequence (padding included, as the model computes it): [T][H]. */
    double[][] hidden(long[] ids, long[] mask, long[] types) {
        int t = ids.length;
        double[][] x = new double[t][hidden];
        int pad = config.path("pad_token_id").asInt(kind == Kind.ROBERTA ? 1 : 0);
        long running = 0;
        for (int j = 0; j < t; j++) {
            long position;
            if (kind == Kind.ROBERTA) {
                running += ids[j] != pad ? 1 : 0;
                position = ids[j] != pad ? running + pad : pad;
            } else {
                position = j;
            }
            for (int k = 0; k < hidden; k++) {
                double v = at(base + "embeddings.word_embeddings.weight", ids[j], k)
                        + at(base + "embeddings.position_embeddings.weight", position, k);
                if (kind != Kind.DISTILBERT) {
                    long type = kind == Kind.ROBERTA || types == null ? 0 : types[j];
                    v += at(base + "embeddings.token_type_embeddings.weight", type, k);
                }
                x[j][k] = v;
            }
        }
        x = layerNorm(x, base + "embeddings.LayerNorm", eps);
        for (int l = 0; l < layers; l++) {
            x = kind == Kind.DISTILBERT ? distilLayer(x, mask, base + "transformer.layer." + l + ".")
                    : bertLayer(x, mask, base + "encoder.layer." + l + ".");
        }
        return x;
    }

    private double[][] bertLayer(double[][] x, long[] mask, String p) {
        double[][] ctx = attention(linear(x, p + "attention.self.query"), linear(x, p + "attention.self.key"),
                linear(x, p + "attention.self.value"), mask);
        double[][] a = layerNorm(add(linear(ctx, p + "attention.output.dense"), x), p + "attention.output.LayerNorm", eps);
        double[][] inter = activate(linear(a, p + "intermediate.dense"), act);
        return layerNorm(add(linear(inter, p + "output.dense"), a), p + "output.LayerNorm", eps);
    }

    private double[][] distilLayer(double[][] x, long[] mask, String p) {
        double[][] ctx = attention(linear(x, p + "attention.q_lin"), linear(x, p + "attention.k_lin"),
                linear(x, p + "attention.v_lin"), mask);
        double[][] sa = layerNorm(add(linear(ctx, p + "attention.out_lin"), x), p + "sa_layer_norm", eps);
        double[][] ffn = linear(activate(linear(sa, p + "ffn.lin1"), act), p + "ffn.lin2");
        return layerNorm(add(ffn, sa), p + "output_layer_norm", eps);
    }

    private double[][] attention(double[][] q, double[][] k, double[][] v, long[] mask) {
        int t = q.length;
        int d = hidden / heads;
        double[][] out = new double[t][hidden];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < t; i++) {
                double[] s = new double[t];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < t; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += q[i][h * d + c] * k[j][h * d + c];
                    }
                    s[j] = mask[j] == 0 ? Double.NEGATIVE_INFINITY : dot / Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < d; c++) {
                        out[i][h * d + c] += s[j] / sum * v[j][h * d + c];
                    }
                }
            }
        }
        return out;
    }

    /** The head's output for one sequence: [C] for sequence classification, [T][C] for per-token heads. */
    double[][] head(Head head, double[][] h) {
        return switch (head) {
            case BASE -> h;
            case TOKEN_CLASSIFICATION -> linear(h, "classifier");
            case QUESTION_ANSWERING -> linear(h, "qa_outputs");
            case SEQUENCE_CLASSIFICATION -> new double[][] {sequenceClassification(h[0])};
            case MASKED_LM -> maskedLm(h);
            case CAUSAL_LM, SEQ2SEQ_LM -> throw new IllegalArgumentException();
        };
    }

    private double[] sequenceClassification(double[] cls) {
        double[][] x = {cls};
        return switch (kind) {
            case BERT -> linear(tanh(linear(x, base + "pooler.dense")), "classifier")[0];
            case ROBERTA -> linear(tanh(linear(x, "classifier.dense")), "classifier.out_proj")[0];
            case DISTILBERT -> linear(activate(linear(x, "pre_classifier"), "relu"), "classifier")[0];
        };
    }

    private double[][] maskedLm(double[][] h) {
        return switch (kind) {
            case BERT -> decode(layerNorm(activate(linear(h, "cls.predictions.transform.dense"), act),
                    "cls.predictions.transform.LayerNorm", eps), "cls.predictions.decoder.weight", "cls.predictions.bias");
            case ROBERTA -> decode(layerNorm(activate(linear(h, "lm_head.dense"), "gelu"), "lm_head.layer_norm", eps),
                    "lm_head.decoder.weight", "lm_head.bias");
            case DISTILBERT -> decode(layerNorm(activate(linear(h, "vocab_transform"), act), "vocab_layer_norm", 1e-12),
                    "vocab_projector.weight", "vocab_projector.bias");
        };
    }

    /** The decoder matrix is the word embeddings unless the checkpoint has its own (tied weights). */
    private double[][] decode(double[][] x, String weightKey, String biasKey) {
        String weight = w.containsKey(weightKey) ? weightKey : base + "embeddings.word_embeddings.weight";
        return linear(x, weight, biasKey);
    }

    private double[][] linear(double[][] x, String prefix) {
        return linear(x, prefix + ".weight", prefix + ".bias");
    }

    private double[][] linear(double[][] x, String weightKey, String biasKey) {
        Tensor weight = w.get(weightKey);
        Tensor bias = w.get(biasKey);
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias.values()[o];
                for (int i = 0; i < in; i++) {
                    s += weight.values()[o * in + i] * x[r][i];
                }
                y[r][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String prefix, double epsilon) {
        // TensorFlow-era checkpoints name LayerNorm parameters gamma and beta
        float[] g = w.getOrDefault(prefix + ".weight", w.get(prefix + ".gamma")).values();
        float[] b = w.getOrDefault(prefix + ".bias", w.get(prefix + ".beta")).values();
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            int n = x[r].length;
            double mean = 0;
            for (double v : x[r]) {
                mean += v;
            }
            mean /= n;
            double var = 0;
            for (double v : x[r]) {
                var += (v - mean) * (v - mean);
            }
            var /= n;
            y[r] = new double[n];
            for (int i = 0; i < n; i++) {
                y[r][i] = (x[r][i] - mean) / Math.sqrt(var + epsilon) * g[i] + b[i];
            }
        }
        return y;
    }

    static double[][] activate(double[][] x, String name) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            y[r] = new double[x[r].length];
            for (int i = 0; i < x[r].length; i++) {
                double v = x[r][i];
                y[r][i] = switch (name) {
                    case "gelu" -> 0.5 * v * (1 + erf(v / Math.sqrt(2)));
                    case "gelu_new", "gelu_pytorch_tanh" -> 0.5 * v
                            * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
                    case "relu" -> Math.max(0, v);
                    default -> throw new IllegalArgumentException(name);
                };
            }
        }
        return y;
    }

    private static double[][] tanh(double[][] x) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            y[r] = new double[x[r].length];
            for (int i = 0; i < x[r].length; i++) {
                y[r][i] = Math.tanh(x[r][i]);
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][];
        for (int r = 0; r < a.length; r++) {
            y[r] = new double[a[r].length];
            for (int i = 0; i < a[r].length; i++) {
                y[r][i] = a[r][i] + b[r][i];
            }
        }
        return y;
    }

    private double at(String key, long row, int col) {
        Tensor t = w.get(key);
        return t.values()[(int) (row * t.shape()[1] + col)];
    }

    /** erf by its Maclaurin series (|x| < 3) or continued fraction, accurate to ~1e-15: exact GELU needs it. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 100; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) {
                    break;
                }
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc continued fraction (Lentz), converges fast for large x
            double f = ax;
            for (int n = 60; n >= 1; n--) {
                f = ax + n / 2.0 / f;
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
