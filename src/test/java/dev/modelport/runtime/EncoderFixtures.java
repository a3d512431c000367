package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;

/** Padded batches of mixed lengths for the tiny checkpoints, and reference outputs for them. */
final class EncoderFixtures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EncoderFixtures() {
    }

    /** Three rows of lengths 9, 4 and 6 (specials included), right-padded; BERT's first row is a pair. */
    static EncoderBatch mixedBatch(TinyRepo repo, long seed) {
        int[] lengths = {9, 4, 6};
        int t = 9;
        var v = repo.vocabulary();
        boolean roberta = repo.family() == Family.ROBERTA || repo.family() == Family.XLM_ROBERTA;
        int firstWord = roberta ? 4 : 5;
        Random rng = new Random(seed);
        long[][] ids = new long[lengths.length][t];
        long[][] mask = new long[lengths.length][t];
        long[][] types = new long[lengths.length][t];
        for (int i = 0; i < lengths.length; i++) {
            java.util.Arrays.fill(ids[i], v.pad());
            ids[i][0] = v.cls();
            for (int j = 1; j < lengths[i] - 1; j++) {
                ids[i][j] = firstWord + rng.nextInt(v.size() - firstWord - 1);
            }
            ids[i][lengths[i] - 1] = v.sep();
            for (int j = 0; j < lengths[i]; j++) {
                mask[i][j] = 1;
                types[i][j] = i == 0 && j >= lengths[i] / 2 ? 1 : 0;
            }
        }
        return new EncoderBatch(ids, mask, repo.family() == Family.BERT ? types : null);
    }

    static JsonNode config(Path repo) {
        try {
            return JSON.readTree(repo.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference output for the whole batch, flattened in row-major order like the runtime's [B,...] array. */
    static float[] reference(TinyRepo repo, Head head, EncoderBatch batch, boolean hiddenOnly) {
        ReferenceEncoder ref = new ReferenceEncoder(repo.dir(), config(repo.dir()));
        java.util.List<Float> out = new java.util.ArrayList<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            double[][] h = ref.hidden(batch.inputIds()[b], batch.attentionMask()[b],
                    batch.tokenTypeIds() == null ? null : batch.tokenTypeIds()[b]);
            double[][] y = hiddenOnly ? h : ref.head(head, h);
            for (double[] row : y) {
                for (double x : row) {
                    out.add((float) x);
                }
            }
        }
        float[] flat = new float[out.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = out.get(i);
        }
        return flat;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
