package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/** A task bound to a loaded model and its tokenizer. Thread-safe. */
public interface Pipeline extends AutoCloseable {

    Task task();

    /**
     * Runs the task. {@code inputs} is the Inference API's {@code inputs} (a string, a list of strings,
     * or the task's object such as {@code {"question","context"}}); a list gives a list of outputs.
     * Throws {@link dev.modelport.config.ModelportException} INVALID_INPUT or INPUT_TOO_LARGE for bad input.
     *
     * @param parameters the Inference API's {@code parameters}; may be null
     */
    JsonNode run(JsonNode inputs, JsonNode parameters);

    /** Frees the tokenizer; the model is closed by whoever loaded it. */
    @Override
    void close();
}
