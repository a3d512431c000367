package dev.modelport.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelport.testing.models.SafetensorsWriter.DType;
import dev.modelport.testing.models.TinyCheckpoints;
import dev.modelport.testing.models.TinyCheckpoints.Decoder;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every architecture × head, F32 and F16 checkpoints, against the plain-Java reference of
 * transformers' maths, on a padded batch of mixed lengths.
 */
class EncoderParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final double FLOAT16_TOLERANCE = 2.5e-2;
    private static final ModelRuntime RUNTIME = new DjlModelRuntime(1);

    @TempDir
    Path dir;

    static Stream<Arguments> everyArchitectureAndHead() {
        List<Arguments> all = new ArrayList<>();
        for (Family f : Family.values()) {
            for (Head h : List.of(Head.BASE, Head.SEQUENCE_CLASSIFICATION, Head.TOKEN_CLASSIFICATION, Head.MASKED_LM,
                    Head.QUESTION_ANSWERING)) {
                for (DType d : List.of(DType.F32, DType.F16)) {
                    all.add(Arguments.of(f, h, d));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyArchitectureAndHead")
    void matchesTheReference(Family family, Head head, DType dtype) {
        TinyRepo repo = TinyCheckpoints.builder(family, head).dtype(dtype).seed(family.ordinal() * 31L + head.ordinal())
                .write(dir);
        ModelSpec spec = RUNTIME.inspect(dir.resolve("config.json"));
        assertEquals(repo.architecture(), spec.architecture());
        assertEquals(head, spec.head());
        EncoderBatch batch = EncoderFixtures.mixedBatch(repo, 11);
        // float32 compute on the stored weights (auto would run a float16 checkpoint in bfloat16 on a fast CPU)
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, spec, new LoadOptions("cpu", "float32"))) {
            assertEquals("cpu", model.device());
            assertEquals("float32", model.dtype());
            FloatTensor out = model.forward(batch);
            assertArrayEquals(expectedShape(repo, head, batch), out.shape());
            double diff = EncoderFixtures.maxAbsDiff(EncoderFixtures.reference(repo, head, batch, false), out.data());
            assertTrue(diff <= TOLERANCE, "max |diff| " + diff);

            FloatTensor hidden = model.hiddenStates(batch);
            assertArrayEquals(new long[] {3, 9, TinyCheckpoints.HIDDEN}, hidden.shape());
            double hiddenDiff = EncoderFixtures.maxAbsDiff(EncoderFixtures.reference(repo, head, batch, true),
                    hidden.data());
            assertTrue(hiddenDiff <= TOLERANCE, "hidden states max |diff| " + hiddenDiff);
        }
    }

    static long[] expectedShape(TinyRepo repo, Head head, EncoderBatch batch) {
        long b = batch.batchSize();
        long t = batch.sequenceLength();
        return switch (head) {
            case BASE -> new long[] {b, t, TinyCheckpoints.HIDDEN};
            case SEQUENCE_CLASSIFICATION -> new long[] {b, repo.labels().size()};
            case TOKEN_CLASSIFICATION -> new long[] {b, t, repo.labels().size()};
            case MASKED_LM -> new long[] {b, t, repo.vocabulary().size()};
            case QUESTION_ANSWERING -> new long[] {b, t, 2};
            case CAUSAL_LM, SEQ2SEQ_LM -> throw new IllegalArgumentException();
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void hiddenActFromTheConfigIsUsed(String act, Family family) {
        TinyRepo repo = TinyCheckpoints.builder(family, Head.MASKED_LM).hiddenAct(act).seed(5).write(dir);
        assertParity(repo, Head.MASKED_LM, new LoadOptions("cpu", "float32"), TOLERANCE);
    }

    static Stream<Arguments> activations() {
        return Stream.of(Arguments.of("gelu_new", Family.BERT), Arguments.of("relu", Family.BERT),
                Arguments.of("gelu_pytorch_tanh", Family.DISTILBERT), Arguments.of("relu", Family.ROBERTA));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("decoders")
    void maskedLmDecoderTiedCopiedOrSeparate(Family family, Decoder decoder) {
        TinyRepo repo = TinyCheckpoints.builder(family, Head.MASKED_LM).decoder(decoder).seed(9).write(dir);
        assertParity(repo, Head.MASKED_LM, new LoadOptions("cpu", "auto"), TOLERANCE);
    }

    static Stream<Arguments> decoders() {
        List<Arguments> all = new ArrayList<>();
        for (Family f : List.of(Family.BERT, Family.DISTILBERT, Family.ROBERTA)) {
            for (Decoder d : List.of(Decoder.COPY, Decoder.SEPARATE)) {
                all.add(Arguments.of(f, d));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void unpaddedBatchMatchesTheReference(Family family) {
        TinyRepo repo = TinyCheckpoints.builder(family, Head.TOKEN_CLASSIFICATION).seed(21).write(dir);
        EncoderBatch mixed = EncoderFixtures.mixedBatch(repo, 2);
        // the first row is the longest, so alone it has no padding at all
        EncoderBatch single = new EncoderBatch(new long[][] {mixed.inputIds()[0]}, new long[][] {mixed.attentionMask()[0]},
                mixed.tokenTypeIds() == null ? null : new long[][] {mixed.tokenTypeIds()[0]});
        try (EncoderModel model = (EncoderModel) RUNTIME.load(dir, RUNTIME.inspect(dir.resolve("config.json")),
                new LoadOptions("cpu", "auto"))) {
            double diff = EncoderFixtures.maxAbsDiff(EncoderFixtures.reference(repo, Head.TOKEN_CLASSIFICATION, single, false),
                    model.forward(single).data());
            assertTrue(diff <= TOLERANCE, "max |diff| " + diff);
        }
    }

    static Stream<Family> families() {
        return Stream.of(Family.values());
    }

    @Test
    void legacyLayerNormGammaAndBetaNamesLoad() {
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.MASKED_LM).legacyLayerNormNames().seed(6).write(dir);
        assertTrue(repo.shapes().containsKey("bert.embeddings.LayerNorm.gamma"));
        assertParity(repo, Head.MASKED_LM, new LoadOptions("cpu", "auto"), TOLERANCE);
    }

    @Test
    void baseModelSavedWithPrefixAndPretrainingHeadsLoads() {
        // as bert-base-uncased: bert.* keys plus cls.* heads the base model does not use
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.BASE).prefixedBase(true)
                .extra("cls.seq_relationship.weight", 2, TinyCheckpoints.HIDDEN).extra("cls.seq_relationship.bias", 2)
                .write(dir);
        assertParity(repo, Head.BASE, new LoadOptions("auto", "auto"), TOLERANCE);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("float16Cases")
    void float16ComputeStaysCloseToTheReference(Family family, Head head) {
        TinyRepo repo = TinyCheckpoints.builder(family, head).dtype(DType.F16).seed(3).write(dir);
        try (LoadedModel model = RUNTIME.load(dir, RUNTIME.inspect(dir.resolve("config.json")), new LoadOptions("cpu", "float16"))) {
            assertEquals("float16", model.dtype());
        }
        // half-precision activations keep ~3 significant digits through 2 layers and the head
        double diff = assertParity(repo, head, new LoadOptions("cpu", "float16"), FLOAT16_TOLERANCE);
        System.out.printf("float16 compute %s %s: max |diff| %.4g%n", family, head, diff);
        assertTrue(diff > 0, "float16 compute should differ from the float64 reference at least slightly");
    }

    static Stream<Arguments> float16Cases() {
        List<Arguments> all = new ArrayList<>();
        for (Family f : List.of(Family.BERT, Family.DISTILBERT, Family.ROBERTA)) {
            for (Head h : List.of(Head.SEQUENCE_CLASSIFICATION, Head.MASKED_LM, Head.QUESTION_ANSWERING)) {
                all.add(Arguments.of(f, h));
            }
        }
        return all.stream();
    }

    static double assertParity(TinyRepo repo, Head head, LoadOptions options, double tolerance) {
        ModelSpec spec = RUNTIME.inspect(repo.dir().resolve("config.json"));
        EncoderBatch batch = EncoderFixtures.mixedBatch(repo, 4);
        try (EncoderModel model = (EncoderModel) RUNTIME.load(repo.dir(), spec, options)) {
            float[] actual = model.forward(batch).data();
            double diff = EncoderFixtures.maxAbsDiff(EncoderFixtures.reference(repo, head, batch, false), actual);
            assertTrue(diff <= tolerance, "max |diff| " + diff + " > " + tolerance);
            return diff;
        }
    }
}
