package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a repo's {@code config.json} says, once the runtime has accepted it.
 *
 * @param architecture e.g. {@code DistilBertForSequenceClassification}
 * @param modelType e.g. {@code distilbert}
 * @param config the whole config.json
 * @param program how the architecture's program will run it
 */
public record ModelSpec(String architecture, String modelType, Head head, JsonNode config, ProgramConfig program) {

    /** What the service needs to know of the model's inputs. */
    public ModelFacts facts() {
        return program.facts();
    }
}
