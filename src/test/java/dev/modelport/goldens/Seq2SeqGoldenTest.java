package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.pipeline.Text2TextPipeline;
import dev.modelport.runtime.EncodedInputs;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.Seq2SeqCache;
import dev.modelport.runtime.Seq2SeqModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encoder-decoder goldens (scripts/goldens/cases_seq2seq.py: T5, flan-t5, BART, Marian) against
 * the runtime: the encoder's last hidden state at real tokens and the decoder logits of a prefix run
 * through the cache, within {@link GoldenRuns#TOLERANCE}; and transformers' generate() (greedy, and
 * beam search with length penalty, early stopping, no-repeat n-grams, min length, several returned
 * sequences, and the repos' own settings: forced BOS/EOS, bad words, renormalized logits) token for
 * token, each greedy step's logits within the tolerance. The pipelines' goldens (text2text-generation,
 * summarization, translation from transformers 4.57) are compared by {@link PipelineGoldenTest}.
 */
class Seq2SeqGoldenTest {

    private static final Map<String, Seq2SeqModel> MODELS = new HashMap<>();
    private static final Map<String, Text2TextPipeline> PIPELINES = new HashMap<>();

    static Stream<Goldens.Case> cases() {
        return Goldens.where(c -> c.kind().equals("seq2seq"));
    }

    private static synchronized Seq2SeqModel model(Goldens.Case c) {
        return MODELS.computeIfAbsent(c.name(), n -> {
            LoadedModel loaded = GoldenRuns.load(c, "float32");
            assertTrue(loaded instanceof Seq2SeqModel, c.name() + " loads as an encoder-decoder");
            return (Seq2SeqModel) loaded;
        });
    }

    private static synchronized Text2TextPipeline pipeline(Goldens.Case c) {
        return PIPELINES.computeIfAbsent(c.name(), n -> {
            Pipeline p = new TaskPipelineFactory().create(model(c), c.dir(), Task.TEXT2TEXT_GENERATION);
            return (Text2TextPipeline) p;
        });
    }

    @AfterAll
    static void closeAll() {
        PIPELINES.values().forEach(Pipeline::close);
        PIPELINES.clear();
        MODELS.values().forEach(LoadedModel::close);
        MODELS.clear();
    }

    static EncoderBatch batch(Goldens.Case c) {
        JsonNode in = c.json().path("inputs");
        return new EncoderBatch(Goldens.longs(in.path("input_ids")), Goldens.longs(in.path("attention_mask")), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encoderHiddenStatesEqualTransformers(Goldens.Case c) {
        EncoderBatch batch = batch(c);
        FloatTensor ours = model(c).encoderHiddenStates(batch);
        Goldens.Tensor want = c.tensor(c.json().path("outputs").path("encoder_last_hidden_state"));
        Mismatches m = new Mismatches(c.name());
        m.compare("encoder_last_hidden_state", want.shape(), want.data(), ours.shape(), ours.data(),
                (b, t) -> batch.attentionMask()[b][t] == 1, GoldenRuns.TOLERANCE);
        m.throwIfAny();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decoderLogitsEqualTransformers(Goldens.Case c) {
        Seq2SeqModel model = model(c);
        Mismatches m = new Mismatches(c.name());
        for (JsonNode entry : c.json().path("decoder")) {
            long[] ids = Goldens.longs1(entry.path("input_ids"));
            long[] mask = new long[ids.length];
            java.util.Arrays.fill(mask, 1);
            long[] prefix = Goldens.longs1(entry.path("decoder_input_ids"));
            Goldens.Tensor want = c.tensor(entry.path("logits"));
            try (EncodedInputs encoded = model.encode(new EncoderBatch(new long[][] {ids}, new long[][] {mask}, null));
                 Seq2SeqCache cache = model.newCache(encoded, 0)) {
                FloatTensor ours = model.decode(cache, prefix);
                m.compare("decoder row " + entry.path("row") + " logits", want.shape(), want.data(), ours.shape(), ours.data(),
                        null, GoldenRuns.TOLERANCE);
            }
        }
        m.throwIfAny();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void generateEqualsTransformers(Goldens.Case c) {
        Text2TextPipeline pipeline = pipeline(c);
        Mismatches m = new Mismatches(c.name());
        JsonNode entries = c.json().path("generate");
        assertTrue(entries.size() >= 6, c.name() + ": generate goldens");
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String what = "generate #" + i + " " + entry.path("kwargs");
            List<float[]> steps = new ArrayList<>();
            List<long[]> ours = pipeline.generateIds(Goldens.longs1(entry.path("input_ids")), entry.path("kwargs"), steps);
            long[][] want = Goldens.longs(entry.path("sequences"));
            long pad = padTokenId(c);
            if (ours.size() != want.length) {
                m.add(what + ": " + ours.size() + " sequences, transformers " + want.length);
                continue;
            }
            for (int s = 0; s < want.length; s++) {
                // transformers pads the shorter returned sequences to the longest one
                int end = want[s].length;
                while (end > ours.get(s).length && want[s][end - 1] == pad) {
                    end--;
                }
                if (!Arrays.equals(Arrays.copyOf(want[s], end), ours.get(s))) {
                    m.add(what + " sequence " + s + ": " + Arrays.toString(ours.get(s)) + ", transformers "
                            + Arrays.toString(want[s]));
                }
            }
            if (entry.has("step_logits")) {
                Goldens.Tensor logits = c.tensor(entry.path("step_logits"));
                int v = logits.dim(1);
                float[] flat = new float[steps.size() * v];
                for (int t = 0; t < steps.size(); t++) {
                    System.arraycopy(steps.get(t), 0, flat, t * v, v);
                }
                m.compare(what + " step logits", logits.shape(), logits.data(), new long[] {steps.size(), v}, flat, null,
                        GoldenRuns.TOLERANCE);
            }
        }
        m.throwIfAny();
    }

    static Stream<Goldens.Case> lowPrecisionCases() {
        return cases().filter(c -> c.json().has("reference_lowp"));
    }

    /**
     * Loaded in bfloat16: the encoder's hidden state and the decoder logits within
     * max(2 × transformers' own bfloat16-vs-float32 difference, one bfloat16 rounding step of the
     * tensor's largest value) of the float32 goldens, as {@link LowPrecisionGoldenTest} checks the others.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lowPrecisionCases")
    void bfloat16WithinTransformersOwnError(Goldens.Case c) {
        JsonNode reference = c.json().path("reference_lowp").path("bfloat16");
        Mismatches m = new Mismatches(c.name() + " computed in bfloat16");
        try (LoadedModel loaded = GoldenRuns.load(c, "bfloat16")) {
            assertEquals("bfloat16", loaded.dtype());
            Seq2SeqModel model = (Seq2SeqModel) loaded;
            EncoderBatch batch = batch(c);
            Goldens.Tensor want = c.tensor(c.json().path("outputs").path("encoder_last_hidden_state"));
            FloatTensor ours = model.encoderHiddenStates(batch);
            m.compare("encoder_last_hidden_state", want.shape(), want.data(), ours.shape(), ours.data(),
                    (b, t) -> batch.attentionMask()[b][t] == 1, bound(reference.path("encoder_last_hidden_state").asDouble(), want));
            for (JsonNode entry : c.json().path("decoder")) {
                long[] ids = Goldens.longs1(entry.path("input_ids"));
                long[] mask = new long[ids.length];
                Arrays.fill(mask, 1);
                Goldens.Tensor logits = c.tensor(entry.path("logits"));
                try (EncodedInputs encoded = model.encode(new EncoderBatch(new long[][] {ids}, new long[][] {mask}, null));
                     Seq2SeqCache cache = model.newCache(encoded, 0)) {
                    FloatTensor got = model.decode(cache, Goldens.longs1(entry.path("decoder_input_ids")));
                    m.compare("decoder row " + entry.path("row") + " logits", logits.shape(), logits.data(), got.shape(),
                            got.data(), null, bound(reference.path("logits").asDouble(), logits));
                }
            }
        }
        m.throwIfAny();
    }

    /**
     * int8 (dynamically quantized linears, T5's wo included): the deployment measures its own error
     * while it is created, as for the other architectures, and then generates.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("lowPrecisionCases")
    void int8MeasuresItsErrorAndGenerates(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "int8");
             Pipeline p = new TaskPipelineFactory().create(loaded, c.dir(), Task.SUMMARIZATION)) {
            assertEquals("int8", loaded.dtype());
            var error = loaded.quantizationError().orElseThrow(() -> new AssertionError(c.name() + ": no measured int8 error"));
            assertTrue(error.minCosine() > 0.5, c.name() + ": " + error);
            JsonNode out = p.run(Goldens.JSON.getNodeFactory().textNode("hello world"),
                    Goldens.JSON.createObjectNode().put("max_new_tokens", 4).put("num_beams", 2));
            assertTrue(out.get(0).get("summary_text").isTextual(), out.toString());
        }
    }

    private static double bound(double transformersOwn, Goldens.Tensor golden) {
        return Math.max(2 * transformersOwn, LowPrecisionGoldenTest.floor("bfloat16", Mismatches.maxAbs(golden.data())));
    }

    private static long padTokenId(Goldens.Case c) {
        try {
            return Goldens.JSON.readTree(c.dir().resolve("generation_config.json").toFile()).path("pad_token_id").asLong(-1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
