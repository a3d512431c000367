package dev.modelport.pipeline;

import dev.modelport.runtime.FloatTensor;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * sentence-transformers' Pooling (and Normalize) as a repo configures them in modules.json and
 * 1_Pooling/config.json; plain transformer repos get mean pooling without normalization. Pooling
 * only reads a row's real tokens, so a text alone and the same text in a padded batch pool alike.
 * Several modes concatenate in sentence-transformers' order: cls, max, mean, mean_sqrt_len,
 * weightedmean, lasttoken.
 */
record Pooling(List<String> modes, boolean normalize) {
    static final Set<String> MODES = Set.of("cls", "max", "mean", "mean_sqrt_len", "weightedmean", "lasttoken");
    private static final String MODULE_PREFIX = "sentence_transformers.models.";
    private static final Set<String> KNOWN_MODULES = Set.of("Transformer", "Pooling", "Normalize");

    static Pooling of(SnapshotFiles files) {
        JsonNode modules = files.modules();
        if (!modules.isArray()) {
            return new Pooling(List.of("mean"), false);
        }
        List<String> modes = List.of("mean");
        boolean normalize = false;
        for (JsonNode module : modules) {
            String type = module.path("type").asText("");
            String name = type.startsWith(MODULE_PREFIX) ? type.substring(MODULE_PREFIX.length()) : type;
            if (!KNOWN_MODULES.contains(name)) {
                throw new ModelportException(ErrorCode.UNSUPPORTED_MODEL_FILES, "modules.json uses the sentence-transformers module "
                        + type + ", which Modelport does not implement (supported: Transformer, Pooling, Normalize)");
            }
            if (name.equals("Pooling")) {
                modes = modes(Json.readOptional(files.dir().resolve(module.path("path").asText("1_Pooling")).resolve("config.json")));
            } else if (name.equals("Normalize")) {
                normalize = true;
            }
        }
        return new Pooling(modes, normalize);
    }

    private static List<String> modes(JsonNode config) {
        List<String> modes = new ArrayList<>();
        // newer sentence-transformers writes "pooling_mode": "mean" next to (or instead of) the flags
        String single = config.path("pooling_mode").asText(null);
        if (config.path("pooling_mode_cls_token").asBoolean(false) || "cls".equals(single)) {
            modes.add("cls");
        }
        if (config.path("pooling_mode_max_tokens").asBoolean(false) || "max".equals(single)) {
            modes.add("max");
        }
        if (config.path("pooling_mode_mean_tokens").asBoolean(false) || "mean".equals(single)) {
            modes.add("mean");
        }
        if (config.path("pooling_mode_mean_sqrt_len_tokens").asBoolean(false) || "mean_sqrt_len_tokens".equals(single)) {
            modes.add("mean_sqrt_len");
        }
        if (config.path("pooling_mode_weightedmean_tokens").asBoolean(false) || "weightedmean".equals(single)) {
            modes.add("weightedmean");
        }
        if (config.path("pooling_mode_lasttoken").asBoolean(false) || "lasttoken".equals(single)) {
            modes.add("lasttoken");
        }
        return modes.isEmpty() ? List.of("mean") : List.copyOf(modes);
    }

    Pooling with(List<String> newModes, Boolean newNormalize) {
        return new Pooling(newModes == null ? modes : newModes, newNormalize == null ? normalize : newNormalize);
    }

    /**
     * Pools row {@code b} of a [B,T,H] hidden state over its first {@code length} (real) tokens.
     */
    float[] pool(FloatTensor hidden, int b, int length) {
        int h = hidden.dim(2);
        float[] out = new float[h * modes.size()];
        for (int m = 0; m < modes.size(); m++) {
            float[] part = poolOne(modes.get(m), hidden, b, length, h);
            System.arraycopy(part, 0, out, m * h, h);
        }
        if (normalize) {
            normalizeInPlace(out);
        }
        return out;
    }

    private static float[] poolOne(String mode, FloatTensor hidden, int b, int length, int h) {
        double[] acc = new double[h];
        switch (mode) {
            case "cls" -> {
                return hidden.row(b, 0);
            }
            case "lasttoken" -> {
                return hidden.row(b, Math.max(length - 1, 0));
            }
            case "max" -> {
                java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
                for (int t = 0; t < length; t++) {
                    float[] row = hidden.row(b, t);
                    for (int i = 0; i < h; i++) {
                        acc[i] = Math.max(acc[i], row[i]);
                    }
                }
            }
            default -> {
                double weights = 0;
                for (int t = 0; t < length; t++) {
                    double w = mode.equals("weightedmean") ? t + 1 : 1;
                    float[] row = hidden.row(b, t);
                    for (int i = 0; i < h; i++) {
                        acc[i] += w * row[i];
                    }
                    weights += w;
                }
                // sentence-transformers clamps the token count at 1e-9
                double divisor = Math.max(weights, 1e-9);
                if (mode.equals("mean_sqrt_len")) {
                    divisor = Math.sqrt(divisor);
                }
                for (int i = 0; i < h; i++) {
                    acc[i] /= divisor;
                }
            }
        }
        float[] out = new float[h];
        for (int i = 0; i < h; i++) {
            out[i] = (float) acc[i];
        }
        return out;
    }

    /** L2 normalization as torch.nn.functional.normalize (eps 1e-12). */
    static void normalizeInPlace(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] * scale);
        }
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.max(Math.sqrt(na) * Math.sqrt(nb), 1e-8);
    }
}
