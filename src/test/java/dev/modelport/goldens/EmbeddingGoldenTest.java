package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.DecoderModel;
import dev.modelport.runtime.Head;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoders as embedding models (golden kind {@code embedding}: a Qwen3Model save named
 * Qwen3ForCausalLM as Qwen3-Embedding ships it, a Gemma3TextModel save), each repo with its
 * sentence-transformers files: our feature-extraction and sentence-similarity pipelines give what
 * sentence-transformers' modules compute on transformers' last hidden state (scripts/goldens/
 * cases_decoders2.py) within {@link PipelineGoldenTest#TOLERANCE}: pooled and normalized vectors
 * with the default prompt, a named one ({@code prompt_name}), a literal one ({@code prompt}), token
 * vectors ({@code pooling: none}) and cosine scores. The task comes from the repo as a deployment
 * resolves it, and a checkpoint without an LM head refuses text-generation.
 */
class EmbeddingGoldenTest {

    private static final TaskPipelineFactory FACTORY = new TaskPipelineFactory();

    static Stream<Goldens.Case> embeddingCases() {
        return Goldens.where(c -> c.kind().equals("embedding"));
    }

    static Stream<Arguments> entries() {
        List<Arguments> all = new ArrayList<>();
        embeddingCases().forEach(c -> {
            JsonNode entries = c.json().path("embeddings");
            for (int i = 0; i < entries.size(); i++) {
                all.add(Arguments.of(c, i, entries.get(i).path("task").asText() + " " + entries.get(i).path("parameters")));
            }
        });
        assertFalse(all.isEmpty(), "embedding goldens");
        return all.stream();
    }

    @ParameterizedTest(name = "{0} #{1} {2}")
    @MethodSource("entries")
    void pipelineOutputEqualsSentenceTransformers(Goldens.Case c, int index, String label) {
        JsonNode entry = c.json().path("embeddings").get(index);
        Task task = Task.fromWire(entry.path("task").asText()).orElseThrow();
        try (LoadedModel model = GoldenRuns.load(c, "float32")) {
            Pipeline pipeline;
            try {
                pipeline = FACTORY.create(model, c.dir(), task);
            } catch (ModelportException e) {
                fail(c.name() + ": no " + task.wireName() + " pipeline: " + e.code() + ": " + e.getMessage(), e);
                return;
            }
            try {
                JsonNode actual = pipeline.run(entry.path("inputs"), entry.path("parameters"));
                List<String> diffs = new ArrayList<>();
                PipelineGoldenTest.compare("$", entry.path("output"), actual, diffs);
                if (!diffs.isEmpty()) {
                    fail(c.name() + " " + label + " (prompt " + entry.path("prompt") + ") disagrees with "
                            + c.json().path("source").asText() + " (" + diffs.size() + "):\n  - "
                            + String.join("\n  - ", diffs.subList(0, Math.min(12, diffs.size()))));
                }
            } finally {
                pipeline.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("embeddingCases")
    void theRepoIsServedAsAnEmbeddingModel(Goldens.Case c) {
        ModelSpec spec = GoldenRuns.RUNTIME.inspect(c.dir().resolve("config.json"));
        assertEquals(c.json().path("architecture").asText(), spec.architecture());
        // the hub's pipeline_tag of such repos picks the task; asked for, it is served too
        assertEquals(Task.FEATURE_EXTRACTION, FACTORY.resolveTask(spec, "feature-extraction", null));
        assertEquals(Task.SENTENCE_SIMILARITY, FACTORY.resolveTask(spec, null, "sentence-similarity"));
        try (LoadedModel model = GoldenRuns.load(c, "float32")) {
            assertTrue(model instanceof DecoderModel, c.name() + " runs on the causal LM's program");
            if (spec.head() == Head.CAUSAL_LM) {
                // config.json names the causal LM, the checkpoint is the base model's (no lm_head.weight, untied)
                assertFalse(((DecoderModel) model).hasLmHead(), c.name() + " has no lm_head.weight");
                ModelportException e = assertThrows(ModelportException.class,
                        () -> FACTORY.create(model, c.dir(), Task.TEXT_GENERATION).close());
                assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
                assertTrue(e.getMessage().contains("lm_head"), e.getMessage());
            } else {
                assertEquals(ErrorCode.UNSUPPORTED_TASK, assertThrows(ModelportException.class,
                        () -> FACTORY.resolveTask(spec, null, "text-generation")).code());
            }
        }
    }
}
