package dev.modelport.runtime;

import java.util.Set;

/**
 * One {@code architectures} name from config.json that the runtime can run, e.g.
 * {@code BertForMaskedLM}: its head and the family whose program runs it. Families list theirs;
 * {@link Architectures} is the registry.
 *
 * @param modelTypes the config {@code model_type} values this architecture accepts
 */
public record Architecture(String name, Set<String> modelTypes, Head head, ModelFamily family) {

    public boolean isDecoder() {
        return head == Head.CAUSAL_LM;
    }
}
