package dev.modelport.testing.minilm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelport.runtime.EncoderBatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sentence embeddings of all-MiniLM-L6-v2 the way sentence-transformers makes them, computed by ONNX
 * Runtime on the original ONNX export: tokens truncated to the model's {@code max_seq_length} (256),
 * mean pooling over real tokens, L2 normalization. The yardstick our runtime is held to.
 */
public final class OnnxReference implements AutoCloseable {

    /** sentence_bert_config.json's max_seq_length: what sentence-transformers truncates to. */
    public static final int MAX_SEQ_LENGTH = 256;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;

    /**
     * @param tokenizerJson the repo's tokenizer.json; its own stored truncation (128) and fixed padding
     *     are overridden, as sentence-transformers does
     * @param intraOpThreads ONNX Runtime's intra-op threads, to match ours in a benchmark
     */
    public OnnxReference(Path tokenizerJson, int intraOpThreads) {
        this(tokenizerJson, intraOpThreads, true);
    }

    /**
     * @param spinning whether idle intra-op threads spin (ONNX Runtime's default) or sleep at once, as
     *     libgomp's threads do under {@code OMP_WAIT_POLICY=PASSIVE}
     */
    public OnnxReference(Path tokenizerJson, int intraOpThreads, boolean spinning) {
        try {
            tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optTruncation(true)
                    .optMaxLength(MAX_SEQ_LENGTH)
                    .optPadding(false)
                    .build();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(MiniLmRepo.onnxBytes(), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not open the MiniLM export", e);
        }
    }

    /** The ONNX graph's input names (input_ids, attention_mask, token_type_ids). */
    public java.util.Set<String> inputNames() {
        return session.getInputNames();
    }

    /** Each text encoded alone: what the model sees without any batch padding. */
    public Encoding encode(String text) {
        return tokenizer.encode(text);
    }

    /** Texts truncated to {@link #MAX_SEQ_LENGTH} and padded (id 0, mask 0) to the longest of them. */
    public EncoderBatch tokenize(List<String> texts) {
        Encoding[] encodings = texts.stream().map(tokenizer::encode).toArray(Encoding[]::new);
        int length = 0;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        long[][] ids = new long[encodings.length][length];
        long[][] mask = new long[encodings.length][length];
        long[][] types = new long[encodings.length][length];
        for (int b = 0; b < encodings.length; b++) {
            long[] encodedIds = encodings[b].getIds();
            System.arraycopy(encodedIds, 0, ids[b], 0, encodedIds.length);
            System.arraycopy(encodings[b].getAttentionMask(), 0, mask[b], 0, encodedIds.length);
            System.arraycopy(encodings[b].getTypeIds(), 0, types[b], 0, encodedIds.length);
        }
        return new EncoderBatch(ids, mask, types);
    }

    /** The export's {@code last_hidden_state} [B,T,H] for a padded batch. */
    public float[][][] lastHiddenState(EncoderBatch batch) {
        float[] flat = forward(batch);
        int b = batch.batchSize();
        int t = batch.sequenceLength();
        int h = flat.length / (b * t);
        float[][][] out = new float[b][t][h];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                System.arraycopy(flat, (i * t + j) * h, out[i][j], 0, h);
            }
        }
        return out;
    }

    /** {@code last_hidden_state} as row-major floats: one forward and one copy off ONNX Runtime, nothing more. */
    public float[] forward(EncoderBatch batch) {
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, batch.inputIds()));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, batch.attentionMask()));
            inputs.put("token_type_ids", OnnxTensor.createTensor(env, batch.tokenTypeIds()));
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[values.remaining()];
                values.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime forward failed", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** One normalized sentence embedding per text; each text runs alone, so no padding is involved. */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            EncoderBatch one = tokenize(List.of(texts.get(i)));
            out[i] = meanPoolNormalize(lastHiddenState(one), one.attentionMask())[0];
        }
        return out;
    }

    /** sentence-transformers' Pooling(mean) followed by Normalize(): sum over masked tokens / count, then x / max(|x|, 1e-12). */
    public static float[][] meanPoolNormalize(float[][][] hidden, long[][] mask) {
        float[][] out = new float[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            int h = hidden[b][0].length;
            double[] sum = new double[h];
            double count = 0;
            for (int t = 0; t < hidden[b].length; t++) {
                if (mask[b][t] != 0) {
                    count++;
                    for (int j = 0; j < h; j++) {
                        sum[j] += hidden[b][t][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < h; j++) {
                sum[j] /= Math.max(count, 1e-9);
                norm += sum[j] * sum[j];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            out[b] = new float[h];
            for (int j = 0; j < h; j++) {
                out[b][j] = (float) (sum[j] / norm);
            }
        }
        return out;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
        tokenizer.close();
    }
}
