package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.pickle.PickleResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PyTorch pickle checkpoints that transformers and torch wrote of golden cases
 * (src/test/resources/pickle/checkpoints, scripts/goldens/make_pickle_cases.py: zip and legacy
 * layouts, tied weights, bfloat16 and float16 storages, shards, offset and transposed views)
 * loaded through the runtime give exactly what the same model's safetensors give, bit for bit, at
 * float32 and at the dtype {@code auto} picks; and so equal transformers' goldens.
 */
class PickleGoldenTest {

    record PickleCase(String name, Path dir, Goldens.Case golden) {
        @Override
        public String toString() {
            return name + " (" + golden.name() + ")";
        }

        Goldens.Case asCase() {
            return new Goldens.Case(name, dir, golden.json());
        }
    }

    static Stream<PickleCase> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(PickleResources.checkpoints())) {
            List<PickleCase> all = dirs.filter(Files::isDirectory).sorted().map(dir -> {
                try {
                    JsonNode source = Goldens.JSON.readTree(dir.resolve("source.json").toFile());
                    String golden = source.path("golden").asText();
                    Goldens.Case c = Goldens.all().stream().filter(g -> g.name().equals(golden)).findFirst().orElseThrow();
                    return new PickleCase(dir.getFileName().toString(), dir, c);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
            assertTrue(all.size() >= 8 && all.stream().anyMatch(c -> c.golden().kind().equals("decoder"))
                    && all.stream().anyMatch(c -> c.golden().kind().equals("encoder")), "cases: " + all);
            return all.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32OutputsEqualTheSafetensorsLoad(PickleCase c) {
        compare(c, "float32");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void autoDtypeOutputsEqualTheSafetensorsLoad(PickleCase c) {
        compare(c, "auto");
    }

    private static void compare(PickleCase c, String dtype) {
        try (LoadedModel fromSafetensors = GoldenRuns.load(c.golden(), dtype);
                LoadedModel fromPickle = GoldenRuns.load(c.asCase(), dtype)) {
            assertEquals(fromSafetensors.dtype(), fromPickle.dtype(), c + ": the same compute dtype");
            assertEquals(fromSafetensors.memoryBytes(), fromPickle.memoryBytes(), c + ": the same resident bytes");
            if (c.golden().kind().equals("encoder")) {
                EncoderModel a = assertInstanceOf(EncoderModel.class, fromSafetensors);
                EncoderModel b = assertInstanceOf(EncoderModel.class, fromPickle);
                Map<String, GoldenRuns.Output> want = GoldenRuns.encoderOutputs(c.golden(), a);
                Map<String, GoldenRuns.Output> got = GoldenRuns.encoderOutputs(c.golden(), b);
                assertEquals(want.keySet(), got.keySet());
                for (String name : want.keySet()) {
                    assertArrayEquals(want.get(name).shape(), got.get(name).shape(), c + " " + name);
                    assertArrayEquals(want.get(name).data(), got.get(name).data(), 0f, c + " " + name + " (" + dtype + ")");
                }
            } else {
                DecoderModel a = assertInstanceOf(DecoderModel.class, fromSafetensors);
                DecoderModel b = assertInstanceOf(DecoderModel.class, fromPickle);
                for (JsonNode prompt : c.golden().json().path("prompts")) {
                    long[] ids = Goldens.longs1(prompt.path("input_ids"));
                    FloatTensor want = a.logits(ids);
                    FloatTensor got = b.logits(ids);
                    assertArrayEquals(want.data(), got.data(), 0f, c + " logits (" + dtype + ")");
                    try (DecoderCache ca = a.newCache(); DecoderCache cb = b.newCache()) {
                        float[] la = a.nextLogits(ca, ids);
                        float[] lb = b.nextLogits(cb, ids);
                        for (int step = 0; step < 4; step++) {
                            assertArrayEquals(la, lb, 0f, c + " step " + step + " (" + dtype + ")");
                            long next = Mismatches.argmax(la);
                            la = a.nextLogits(ca, new long[] {next});
                            lb = b.nextLogits(cb, new long[] {next});
                        }
                    }
                }
            }
        }
    }
}
