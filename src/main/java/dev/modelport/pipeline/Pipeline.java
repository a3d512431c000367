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
     * The tokenizer as Hugging Face TEI's routes use it ({@code /tokenize}, {@code /decode}, the input
     * length check); empty for pipelines that do not offer it (the generating ones).
     */
    default java.util.Optional<Tokenization> tokenization() {
        return java.util.Optional.empty();
    }

    /**
     * What the model's files say about how it answers, for TEI's {@code /info}: {@code {"pooling"}} for an
     * embedding model, {@code {"id2label", "label2id"}} for a classifier; empty otherwise.
     */
    default JsonNode describe() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
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
