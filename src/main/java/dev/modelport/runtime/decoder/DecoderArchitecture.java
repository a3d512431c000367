package dev.modelport.runtime.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.nn.Weights;

/** Builds a decoder network from a checkpoint's root view and its config.json. */
@FunctionalInterface
public interface DecoderArchitecture {
    DecoderNetwork load(Weights root, JsonNode config);
}
