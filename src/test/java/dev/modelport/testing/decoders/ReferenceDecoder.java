package dev.modelport.testing.decoders;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An independent forward pass in plain Java float loops (double accumulators), written from the
 * transformers modelling code rather than from the runtime: GPT-2 and Llama/Qwen2/Mistral logits
 * for every position of a sequence, no cache.
 */
public final class ReferenceDecoder {

    private ReferenceDecoder() {
    }

    public static float[][] gpt2(TinyDecoders.Checkpoint ck, long[] ids) {
        JsonNode c = ck.config();
        int h = c.get("n_embd").asInt();
        int heads = c.get("n_head").asInt();
        int layers = c.get("n_layer").asInt();
        int vocab = c.get("vocab_size").asInt();
        String p = ck.weights().containsKey("transformer.wte.weight") ? "transformer." : "";
        int t = ids.length;
        float[][] x = new float[t][h];
        float[] wte = ck.w(p + "wte.weight");
        float[] wpe = ck.w(p + "wpe.weight");
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < h; j++) {
                x[i][j] = wte[(int) ids[i] * h + j] + wpe[i * h + j];
            }
        }
        for (int l = 0; l < layers; l++) {
            String k = p + "h." + l + ".";
            float[][] a = layerNorm(x, ck.w(k + "ln_1.weight"), ck.w(k + "ln_1.bias"), 1e-5f);
            float[][] qkv = conv1d(a, ck.w(k + "attn.c_attn.weight"), ck.w(k + "attn.c_attn.bias"), 3 * h);
            float[][] q = new float[t][h];
            float[][] kk = new float[t][h];
            float[][] v = new float[t][h];
            for (int i = 0; i < t; i++) {
                System.arraycopy(qkv[i], 0, q[i], 0, h);
                System.arraycopy(qkv[i], h, kk[i], 0, h);
                System.arraycopy(qkv[i], 2 * h, v[i], 0, h);
            }
            float[][] ctx = attention(q, kk, v, heads, heads, h / heads);
            float[][] o = conv1d(ctx, ck.w(k + "attn.c_proj.weight"), ck.w(k + "attn.c_proj.bias"), h);
            add(x, o);
            float[][] m = layerNorm(x, ck.w(k + "ln_2.weight"), ck.w(k + "ln_2.bias"), 1e-5f);
            float[][] f = conv1d(m, ck.w(k + "mlp.c_fc.weight"), ck.w(k + "mlp.c_fc.bias"), 4 * h);
            for (float[] row : f) {
                for (int j = 0; j < row.length; j++) {
                    double z = row[j];
                    row[j] = (float) (0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))));
                }
            }
            add(x, conv1d(f, ck.w(k + "mlp.c_proj.weight"), ck.w(k + "mlp.c_proj.bias"), h));
        }
        float[][] n = layerNorm(x, ck.w(p + "ln_f.weight"), ck.w(p + "ln_f.bias"), 1e-5f);
        return linear(n, wte, null, vocab);
    }

    public static float[][] llama(TinyDecoders.Checkpoint ck, long[] ids) {
        JsonNode c = ck.config();
        int h = c.get("hidden_size").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int kvHeads = c.get("num_key_value_heads").asInt();
        int layers = c.get("num_hidden_layers").asInt();
        int inter = c.get("intermediate_size").asInt();
        int vocab = c.get("vocab_size").asInt();
        int d = h / heads;
        float eps = (float) c.get("rms_norm_eps").asDouble();
        int t = ids.length;
        float[] embed = ck.w("model.embed_tokens.weight");
        float[][] x = new float[t][h];
        for (int i = 0; i < t; i++) {
            System.arraycopy(embed, (int) ids[i] * h, x[i], 0, h);
        }
        double[] inv = invFreq(c, d, t);
        for (int l = 0; l < layers; l++) {
            String k = "model.layers." + l + ".";
            float[][] n = rms(x, ck.w(k + "input_layernorm.weight"), eps);
            float[][] q = linear(n, ck.w(k + "self_attn.q_proj.weight"), ck.weights().get(k + "self_attn.q_proj.bias"), heads * d);
            float[][] kk = linear(n, ck.w(k + "self_attn.k_proj.weight"), ck.weights().get(k + "self_attn.k_proj.bias"), kvHeads * d);
            float[][] v = linear(n, ck.w(k + "self_attn.v_proj.weight"), ck.weights().get(k + "self_attn.v_proj.bias"), kvHeads * d);
            rope(q, heads, d, inv);
            rope(kk, kvHeads, d, inv);
            float[][] ctx = attention(q, kk, v, heads, kvHeads, d);
            add(x, linear(ctx, ck.w(k + "self_attn.o_proj.weight"), null, h));
            float[][] m = rms(x, ck.w(k + "post_attention_layernorm.weight"), eps);
            float[][] g = linear(m, ck.w(k + "mlp.gate_proj.weight"), null, inter);
            float[][] u = linear(m, ck.w(k + "mlp.up_proj.weight"), null, inter);
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < inter; j++) {
                    double z = g[i][j];
                    g[i][j] = (float) (z / (1 + Math.exp(-z)) * u[i][j]);
                }
            }
            add(x, linear(g, ck.w(k + "mlp.down_proj.weight"), null, h));
        }
        float[][] n = rms(x, ck.w("model.norm.weight"), eps);
        float[] head = ck.weights().containsKey("lm_head.weight") ? ck.w("lm_head.weight") : embed;
        return linear(n, head, null, vocab);
    }

    /**
     * Rotary inverse frequencies for a pass over {@code seqLen} positions, from transformers'
     * rope initialisation functions: default, linear (positions / factor), dynamic (NTK base grown
     * when seqLen exceeds the original length) and llama3 (low frequencies / factor, smoothed band).
     */
    private static double[] invFreq(JsonNode c, int d, int seqLen) {
        double theta = c.path("rope_theta").asDouble(10000);
        JsonNode scaling = c.path("rope_scaling");
        String type = scaling.path("rope_type").asText(scaling.path("type").asText("default"));
        double factor = scaling.path("factor").asDouble(1);
        int maxPositions = c.path("max_position_embeddings").asInt();
        int original = scaling.path("original_max_position_embeddings").asInt(maxPositions);
        // transformers' _compute_dynamic_ntk_parameters grows the base past max_position_embeddings
        // (not original_max_position_embeddings, which only llama3 reads)
        if (type.equals("dynamic") && seqLen > maxPositions) {
            theta = theta * Math.pow(factor * seqLen / maxPositions - (factor - 1), (double) d / (d - 2));
        }
        double[] inv = new double[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1 / Math.pow(theta, 2.0 * i / d);
            if (type.equals("linear")) {
                inv[i] /= factor;
            } else if (type.equals("llama3")) {
                double low = scaling.path("low_freq_factor").asDouble();
                double high = scaling.path("high_freq_factor").asDouble();
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > original / low) {
                    inv[i] /= factor;
                } else if (wavelen >= original / high) {
                    double smooth = (original / wavelen - low) / (high - low);
                    inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
                }
            }
        }
        return inv;
    }

    private static void rope(float[][] x, int heads, int d, double[] inv) {
        int half = d / 2;
        for (int pos = 0; pos < x.length; pos++) {
            for (int hd = 0; hd < heads; hd++) {
                int o = hd * d;
                for (int i = 0; i < half; i++) {
                    double angle = pos * inv[i];
                    double a = x[pos][o + i];
                    double b = x[pos][o + i + half];
                    x[pos][o + i] = (float) (a * Math.cos(angle) - b * Math.sin(angle));
                    x[pos][o + i + half] = (float) (b * Math.cos(angle) + a * Math.sin(angle));
                }
            }
        }
    }

    /** Causal attention; query head i reads kv head i / (heads / kvHeads). Rows are [T, heads*d]. */
    private static float[][] attention(float[][] q, float[][] k, float[][] v, int heads, int kvHeads, int d) {
        int t = q.length;
        float[][] out = new float[t][heads * d];
        int group = heads / kvHeads;
        for (int hd = 0; hd < heads; hd++) {
            int qo = hd * d;
            int ko = (hd / group) * d;
            for (int i = 0; i < t; i++) {
                double[] s = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += (double) q[i][qo + e] * k[j][ko + e];
                    }
                    s[j] = dot / Math.sqrt(d);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int e = 0; e < d; e++) {
                    double acc = 0;
                    for (int j = 0; j <= i; j++) {
                        acc += s[j] / sum * v[j][ko + e];
                    }
                    out[i][qo + e] = (float) acc;
                }
            }
        }
        return out;
    }

    private static float[][] layerNorm(float[][] x, float[] g, float[] b, float eps) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (float f : x[i]) {
                mean += f;
            }
            mean /= x[i].length;
            double var = 0;
            for (float f : x[i]) {
                var += (f - mean) * (f - mean);
            }
            var /= x[i].length;
            out[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) ((x[i][j] - mean) / Math.sqrt(var + eps) * g[j] + b[j]);
            }
        }
        return out;
    }

    private static float[][] rms(float[][] x, float[] w, float eps) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double ms = 0;
            for (float f : x[i]) {
                ms += (double) f * f;
            }
            ms /= x[i].length;
            out[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) (x[i][j] / Math.sqrt(ms + eps) * w[j]);
            }
        }
        return out;
    }

    /** Conv1D: weight [in, out]. */
    private static float[][] conv1d(float[][] x, float[] w, float[] b, int out) {
        int in = x[0].length;
        float[][] y = new float[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b[o];
                for (int e = 0; e < in; e++) {
                    acc += (double) x[i][e] * w[e * out + o];
                }
                y[i][o] = (float) acc;
            }
        }
        return y;
    }

    /** torch.nn.Linear: weight [out, in]. */
    private static float[][] linear(float[][] x, float[] w, float[] b, int out) {
        int in = x[0].length;
        float[][] y = new float[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                int base = o * in;
                for (int e = 0; e < in; e++) {
                    acc += (double) x[i][e] * w[base + e];
                }
                y[i][o] = (float) acc;
            }
        }
        return y;
    }

    private static void add(float[][] x, float[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] += y[i][j];
            }
        }
    }
}
