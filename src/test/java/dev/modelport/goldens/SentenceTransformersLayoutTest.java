package dev.modelport.goldens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelport.config.ErrorCode;
import dev.modelport.config.ModelportException;
import dev.modelport.pipeline.Pipeline;
import dev.modelport.pipeline.Task;
import dev.modelport.pipeline.TaskPipelineFactory;
import dev.modelport.runtime.EncoderModel;
import dev.modelport.runtime.FloatTensor;
import dev.modelport.runtime.LoadOptions;
import dev.modelport.runtime.LoadedModel;
import dev.modelport.runtime.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sentence-transformers/all-mpnet-base-v2's layout: config.json names {@code MPNetForMaskedLM}, the
 * weights are a bare {@code MPNetModel} (no {@code mpnet.} prefix, no lm_head), and modules.json adds
 * mean pooling and Normalize. Built from the mpnet-base golden: the model runs as MPNetModel (as
 * transformers' AutoModel loads it), and a padded batch of texts gives the sentence embeddings
 * sentence-transformers' modules compute from transformers' outputs.
 */
class SentenceTransformersLayoutTest {

    @TempDir
    Path dir;

    @Test
    void aHeadlessMaskedLmRepoServesSentenceEmbeddings() throws Exception {
        Goldens.Case golden = Goldens.all().stream().filter(c -> c.name().equals("mpnet-base")).findFirst().orElseThrow();
        try (Stream<Path> files = Files.walk(golden.dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = dir.resolve(golden.dir().relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ObjectNode config = (ObjectNode) Goldens.JSON.readTree(dir.resolve("config.json").toFile());
        config.putArray("architectures").add("MPNetForMaskedLM");
        Files.writeString(dir.resolve("config.json"), config.toString());

        ModelSpec spec = GoldenRuns.RUNTIME.inspect(dir.resolve("config.json"));
        assertEquals("MPNetForMaskedLM", spec.architecture());
        TaskPipelineFactory factory = new TaskPipelineFactory();
        try (LoadedModel loaded = GoldenRuns.RUNTIME.load(dir, spec, new LoadOptions("cpu", "float32"))) {
            assertEquals("MPNetModel", loaded.spec().architecture());
            FloatTensor hidden = ((EncoderModel) loaded).hiddenStates(GoldenRuns.batch(golden));
            Goldens.Tensor want = golden.tensor(golden.json().path("outputs").path("last_hidden_state"));
            Mismatches m = new Mismatches("all-mpnet-base-v2 layout");
            m.compare("last_hidden_state", want.shape(), want.data(), hidden.shape(), hidden.data(),
                    GoldenRuns.realTokens(GoldenRuns.batch(golden)), GoldenRuns.TOLERANCE);
            m.throwIfAny();

            JsonNode st = golden.json().path("sentence_transformers");
            try (Pipeline p = factory.create(loaded, dir, Task.FEATURE_EXTRACTION)) {
                JsonNode got = p.run(st.path("texts"), null);
                ArrayNode want2 = (ArrayNode) st.path("embeddings");
                assertEquals(want2.size(), got.size());
                for (int i = 0; i < want2.size(); i++) {
                    for (int h = 0; h < want2.get(i).size(); h++) {
                        assertEquals(want2.get(i).get(h).asDouble(), got.get(i).get(h).asDouble(), GoldenRuns.TOLERANCE,
                                "embedding " + i + "[" + h + "]");
                    }
                }
            }
            ModelportException e = assertThrows(ModelportException.class,
                    () -> factory.create(loaded, dir, Task.FILL_MASK).close());
            assertEquals(ErrorCode.UNSUPPORTED_TASK, e.code());
        }
    }
}
