package dev.modelport.runtime;

/** The two root modules of programs/program.py and the entry function each builds its model with. */
public enum ProgramKind {
    ENCODER("EncoderProgram", "build_encoder", "__torch__.program.Encoder"),
    DECODER("DecoderProgram", "build_decoder", "__torch__.program.Decoder");

    private final String rootClass;
    private final String entryFunction;
    private final String modelType;

    ProgramKind(String rootClass, String entryFunction, String modelType) {
        this.rootClass = rootClass;
        this.entryFunction = entryFunction;
        this.modelType = modelType;
    }

    public String rootClass() {
        return rootClass;
    }

    public String entryFunction() {
        return entryFunction;
    }

    public String modelType() {
        return modelType;
    }
}
