package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.modelport.runtime.EncoderBatch;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.LoadedModel;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every encoder golden (BERT, RoBERTa, XLM-R, DistilBERT; every head; float32, bfloat16 and
 * sharded storage; transformers 4 and 5 configs) loaded as float32: the last hidden state and the
 * head's output equal transformers' within {@link GoldenRuns#TOLERANCE} at every real token.
 */
class EncoderGoldenTest {

    static Stream<Goldens.Case> encoders() {
        return Goldens.encoders();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encoders")
    void float32OutputsEqualTransformers(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "float32")) {
            EncoderModel model = assertInstanceOf(EncoderModel.class, loaded, c.name() + " loads as an encoder");
            Mismatches m = new Mismatches(c.name() + " (float32)");
            if (!c.json().path("architecture").asText().equals(model.spec().architecture())) {
                m.add("architecture " + model.spec().architecture() + ", config.json " + c.json().path("architecture"));
            }
            EncoderBatch batch = GoldenRuns.batch(c);
            Map<String, GoldenRuns.Output> ours = GoldenRuns.encoderOutputs(c, model);
            for (String name : GoldenRuns.outputNames(c)) {
                Goldens.Tensor want = c.tensor(c.json().path("outputs").path(name));
                GoldenRuns.Output got = ours.get(name);
                if (got == null) {
                    m.add(name + ": the runtime gives no such output");
                    continue;
                }
                boolean perToken = name.equals("last_hidden_state") || got.perToken();
                m.compare(name, want.shape(), want.data(), got.shape(), got.data(),
                        perToken ? GoldenRuns.realTokens(batch) : null, GoldenRuns.TOLERANCE);
            }
            m.throwIfAny();
        }
    }
}
