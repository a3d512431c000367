package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.DecoderCache;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.QuantizationError;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Qwen3, Gemma 2, Gemma 3 and Phi-3 goldens, and the decoder embedding goldens, loaded as int8
 * (dynamic quantization of every linear layer, CPU): they build, decode through the cache the same as
 * without it, and report their measured error against float32 (printed; int8 is lossy, the bound
 * here is only that it stays a usable approximation on these tiny random models).
 */
class QuantizedNewDecodersGoldenTest {

    static Stream<Goldens.Case> newDecoders() {
        return Goldens.where(c -> c.kind().equals("decoder") && c.storedDtype().equals("float32")
                && c.json().path("architecture").asText().matches("(Qwen3|Gemma2|Gemma3|Phi3)ForCausalLM"));
    }

    static Stream<Goldens.Case> embeddingCases() {
        return Goldens.where(c -> c.kind().equals("embedding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("newDecoders")
    void int8DecodesAndReportsItsError(Goldens.Case c) {
        try (LoadedModel loaded = GoldenRuns.load(c, "int8")) {
            DecoderModel model = (DecoderModel) loaded;
            assertEquals("int8", model.dtype());
            JsonNode prompt = c.json().path("prompts").get(0);
            long[] ids = Goldens.longs1(prompt.path("input_ids"));
            QuantizationError error = model.measureQuantization(ids).orElseThrow();
            System.out.printf(Locale.ROOT, "int8 %s: min cosine %.4f, top-1 agreement %.2f over %d positions%n", c.name(),
                    error.minCosine(), error.top1Agreement(), error.rows());
            assertTrue(error.minCosine() > 0.9, c.name() + ": " + error);
            FloatTensor all = model.logits(ids);
            int v = all.dim(1);
            try (DecoderCache cache = model.newCache()) {
                float[] last = model.nextLogits(cache, ids);
                float[] want = all.row(ids.length - 1);
                for (int i = 0; i < v; i++) {
                    assertEquals(want[i], last[i], 1e-3, c.name() + ": the cached prefill's logits");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embeddingCases")
    void int8EmbeddingsReportTheirError(Goldens.Case c) {
        try (LoadedModel model = GoldenRuns.load(c, "int8")) {
            new TaskPipelineFactory().create(model, c.dir(), Task.FEATURE_EXTRACTION).close();
            QuantizationError error = model.quantizationError().orElseThrow();
            System.out.printf(Locale.ROOT, "int8 %s embeddings: min cosine %.4f over %d token vectors%n", c.name(),
                    error.minCosine(), error.rows());
            assertTrue(error.minCosine() > 0.9, c.name() + ": " + error);
        }
    }
}
