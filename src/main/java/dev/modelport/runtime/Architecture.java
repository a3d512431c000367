package dev.modelport.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelport.runtime.decoder.DecoderArchitecture;
import dev.modelport.runtime.nn.EncoderNetwork;
import dev.modelport.runtime.nn.Weights;
import java.util.Set;

/**
 * One {@code architectures} name from config.json that the runtime can build, e.g.
 * {@code BertForMaskedLM}: its head, a cheap check of the config, and the loader that builds the
 * network from a checkpoint. Families (bert/, distilbert/) list theirs; {@link Architectures} is the
 * registry. Decoders will register here too, with a loader for their own network type.
 *
 * @param modelTypes the config {@code model_type} values this architecture accepts
 */
public record Architecture(String name, Set<String> modelTypes, Head head, Checker checker, Loader loader,
        DecoderArchitecture decoder) {

    /** An encoder architecture. */
    public Architecture(String name, Set<String> modelTypes, Head head, Checker checker, Loader loader) {
        this(name, modelTypes, head, checker, loader, null);
    }

    /** A causal language model: no encoder loader, a decoder one. */
    public static Architecture decoder(String name, Set<String> modelTypes, Checker checker, DecoderArchitecture loader) {
        return new Architecture(name, modelTypes, Head.CAUSAL_LM, checker, null, loader);
    }

    public boolean isDecoder() {
        return decoder != null;
    }

    /** Reads the config as the loader will and throws for one it cannot run; touches no weights. */
    @FunctionalInterface
    public interface Checker {
        void check(JsonNode config);
    }

    /** Builds the network from a checkpoint's root view. */
    @FunctionalInterface
    public interface Loader {
        EncoderNetwork load(Weights root, JsonNode config);
    }
}
