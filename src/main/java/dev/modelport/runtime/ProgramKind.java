package dev.modelport.runtime;

/**
 * What a program builds: an encoder with its head, a causal language model, or an encoder-decoder.
 * The root module (programs/program.py {@code Program}) has the calls of all three; {@code entry.py}
 * builds this kind through {@link #entryFunction} and answers None from the others.
 */
public enum ProgramKind {
    ENCODER("build_encoder", "__torch__.program.Encoder"),
    DECODER("build_decoder", "__torch__.program.Decoder"),
    SEQ2SEQ("build_seq2seq", "__torch__.program.Seq2Seq");

    private final String entryFunction;
    private final String modelType;

    ProgramKind(String entryFunction, String modelType) {
        this.entryFunction = entryFunction;
        this.modelType = modelType;
    }

    /** The function of entry.py that builds this kind. */
    public String entryFunction() {
        return entryFunction;
    }

    /** The TorchScript type it builds. */
    public String modelType() {
        return modelType;
    }
}
