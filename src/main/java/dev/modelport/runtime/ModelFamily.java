package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
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

    /**
     * The base architecture to run instead when the checkpoint holds the base model alone, without
     * the head config.json names (sentence-transformers repos such as all-mpnet-base-v2 name
     * {@code MPNetForMaskedLM} and store {@code MPNetModel}'s weights; transformers' AutoModel loads
     * them as the base model). Empty when the checkpoint has its head, or the family never does this.
     */
    default Optional<Architecture> bareBase(Architecture architecture, Set<String> checkpointNames) {
        return Optional.empty();
    }
}
