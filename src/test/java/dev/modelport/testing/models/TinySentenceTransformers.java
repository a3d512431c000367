package dev.modelport.testing.models;

import dev.modelport.runtime.Head;
import dev.modelport.testing.models.TinyCheckpoints.Family;
import dev.modelport.testing.models.TinyCheckpoints.TinyRepo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny BERT written as a sentence-transformers repo: modules.json (Transformer, mean Pooling,
 * Normalize), 1_Pooling/config.json and config_sentence_transformers.json with a {@code "query"}
 * instruction prompt ({@value #QUERY_PROMPT}) and a {@code "document"} prompt that is empty.
 */
public final class TinySentenceTransformers {
    public static final String QUERY_PROMPT = "query: ";

    private TinySentenceTransformers() {
    }

    public static TinyRepo write(Path dir) {
        TinyRepo repo = TinyCheckpoints.builder(Family.BERT, Head.BASE).pipelineTag("feature-extraction").write(dir);
        try {
            Files.writeString(dir.resolve("modules.json"), """
                    [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                     {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                     {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]""");
            Files.createDirectories(dir.resolve("1_Pooling"));
            Files.writeString(dir.resolve("1_Pooling/config.json"), """
                    {"word_embedding_dimension": 32, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true,
                     "pooling_mode_max_tokens": false, "pooling_mode_mean_sqrt_len_tokens": false}""");
            Files.writeString(dir.resolve("config_sentence_transformers.json"), """
                    {"prompts": {"query": "%s", "document": ""}, "default_prompt_name": null}""".formatted(QUERY_PROMPT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return repo;
    }
}
