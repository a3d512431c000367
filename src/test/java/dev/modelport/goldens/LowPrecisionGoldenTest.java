package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadedModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checkpoints stored in bfloat16 / float16, run in that dtype: every compared tensor within
 * max(2 × transformers' own max |diff| between its low-precision run and its float32 run,
 * {@code reference_lowp_max_abs_diff}; a floor) of the float32 golden. The floor is one rounding
 * step of the tensor's largest value in that format (max |golden| × 2^-8 for bfloat16, × 2^-11
 * for float16), so that a reference that happens to be tiny does not demand more than the format
 * can hold.
 */
class LowPrecisionGoldenTest {

    static Stream<Arguments> casesAndDtypes() {
        List<Arguments> all = new ArrayList<>();
        Goldens.lowPrecision().forEach(c -> c.json().path("reference_lowp_max_abs_diff").fieldNames()
                .forEachRemaining(dtype -> all.add(Arguments.of(c, dtype))));
        assertFalse(all.isEmpty(), "low-precision goldens");
        return all.stream();
    }

    static double floor(String dtype, double maxAbs) {
        return maxAbs * (dtype.equals("float16") ? Math.scalb(1.0, -11) : Math.scalb(1.0, -8));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("casesAndDtypes")
    void withinTransformersOwnLowPrecisionError(Goldens.Case c, String dtype) {
        JsonNode reference = c.json().path("reference_lowp_max_abs_diff").path(dtype);
        Mismatches m = new Mismatches(c.name() + " computed in " + dtype);
        try (LoadedModel loaded = GoldenRuns.load(c, dtype)) {
            if (!loaded.dtype().equals(dtype)) {
                m.add("asked for " + dtype + ", the model computes in " + loaded.dtype());
            }
            if (loaded instanceof EncoderModel encoder) {
                EncoderBatch batch = GoldenRuns.batch(c);
                Map<String, GoldenRuns.Output> outputs = GoldenRuns.encoderOutputs(c, encoder);
                for (Iterator<String> it = reference.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    Goldens.Tensor want = c.tensor(c.json().path("outputs").path(name));
                    GoldenRuns.Output got = outputs.get(name);
                    boolean perToken = name.equals("last_hidden_state") || got.perToken();
                    double ours = m.compare(name, want.shape(), want.data(), got.shape(), got.data(),
                            perToken ? GoldenRuns.realTokens(batch) : null,
                            bound(dtype, reference.path(name).asDouble(), Mismatches.maxAbs(want.data())));
                    report(c, dtype, name, ours);
                }
            } else {
                DecoderModel decoder = (DecoderModel) loaded;
                double reference32 = reference.path("logits").asDouble();
                int i = 0;
                for (JsonNode prompt : c.json().path("prompts")) {
                    Goldens.Tensor want = c.tensor(prompt.path("logits"));
                    FloatTensor got = decoder.logits(Goldens.longs1(prompt.path("input_ids")));
                    String name = "prompt " + i++ + " logits";
                    double ours = m.compare(name, want.shape(), want.data(), got.shape(), got.data(), null,
                            bound(dtype, reference32, Mismatches.maxAbs(want.data())));
                    report(c, dtype, name, ours);
                }
            }
        }
        m.throwIfAny();
    }

    private static double bound(String dtype, double reference, double maxAbs) {
        double b = Math.max(2 * reference, floor(dtype, maxAbs));
        System.out.printf(Locale.ROOT, "low precision %s: transformers' max |diff| %.4g, floor %.4g, bound %.4g%n", dtype,
                reference, floor(dtype, maxAbs), b);
        return b;
    }

    private static void report(Goldens.Case c, String dtype, String name, double ours) {
        System.out.printf(Locale.ROOT, "low precision %s %s %s: our max |diff| %.4g%n", c.name(), dtype, name, ours);
    }
}
