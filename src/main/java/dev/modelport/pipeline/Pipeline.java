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

    /**
     * How many tokens the texts make as this pipeline would feed them to the model (special tokens
     * included, after truncation); OpenAI-compatible routes report it as {@code usage}. Empty when
     * the pipeline cannot say.
     */
    default java.util.OptionalInt countTokens(java.util.List<String> texts) {
        return java.util.OptionalInt.empty();
    }

    /**
     * Lets the serving layer time this pipeline's stages (tokenization, waiting for the device,
     * forward passes) for its metrics; called once, before the first request is served.
     */
    void listen(StageListener listener);

    /** Frees the tokenizer; the model is closed by whoever loaded it. */
    @Override
    void close();
}
