package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * One family of architectures written as one program (bert/, distilbert/, gpt2/, llama/): how it
 * reads config.json and which checkpoint tensors its program takes.
 */
public interface ModelFamily {

    /**
     * Reads config.json as transformers 4 and 5 write it and refuses, with
     * {@code UNSUPPORTED_MODEL_CONFIG} naming it, any setting the program does not implement.
     * Cheap; touches no weights.
     */
    ProgramConfig configure(Architecture architecture, JsonNode config);

    /** Every tensor the program takes, with its shape, given the names the checkpoint holds. */
    TensorPlan plan(Architecture architecture, ProgramConfig config, Set<String> checkpointNames);
}
