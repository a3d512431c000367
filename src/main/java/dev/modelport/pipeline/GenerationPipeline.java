package dev.modelport.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pipeline that generates text token by token: text-generation (a causal LM) and the
 * encoder-decoder tasks (text2text-generation, summarization, translation). The serving layer runs
 * them on their callers' threads, lends the device one forward pass at a time and streams their
 * tokens; their decode steps share batched passes inside the pipeline.
 */
public interface GenerationPipeline extends Pipeline {

    /**
     * {@link #run(JsonNode, JsonNode)} with every generated token shown to {@code listener} (from
     * several threads for a list input); a listener that answers false stops the generations.
     */
    JsonNode run(JsonNode inputs, JsonNode parameters, GenerationListener listener);

    /** Lets the serving layer lend the device to each forward pass (see {@link DeviceGate}). */
    void shareDevice(DeviceGate gate);

    /**
     * Checks one streamed generation of {@code text} before its stream starts: reads the
     * parameters and tokenizes the input (INVALID_INPUT, INPUT_TOO_LARGE).
     *
     * @param addSpecialTokens false for a prompt that already holds them (a rendered chat template)
     */
    PreparedGeneration prepare(String text, JsonNode parameters, boolean addSpecialTokens);
}
