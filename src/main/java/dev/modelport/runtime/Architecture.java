package dev.modelport.runtime;

import java.util.Set;

/**
 * One {@code architectures} name from config.json that the runtime can run, e.g.
 * {@code BertForMaskedLM}: its head and the family whose program runs it. Families list theirs;
 * {@link Architectures} is the registry.
 *
 * @param modelTypes the config {@code model_type} values this architecture accepts
 * @param embeds a decoder whose last hidden state also serves embeddings (feature-extraction,
 *     sentence-similarity), as the repos of embedding models built on it use it (Qwen3-Embedding);
 *     encoders always do
 */
public record Architecture(String name, Set<String> modelTypes, Head head, ModelFamily family, boolean embeds) {

    public Architecture(String name, Set<String> modelTypes, Head head, ModelFamily family) {
        this(name, modelTypes, head, family, false);
    }

    public boolean isDecoder() {
        return head == Head.CAUSAL_LM;
    }

    /** An encoder-decoder (T5, BART, Marian): it generates text from an input text. */
    public boolean isSeq2Seq() {
        return head == Head.SEQ2SEQ_LM;
    }
}
