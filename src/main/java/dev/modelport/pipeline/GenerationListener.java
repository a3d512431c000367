package dev.modelport.pipeline;

/** Receives a generation's tokens as they are chosen (e.g. to stream them to a client). */
@FunctionalInterface
public interface GenerationListener {

    GenerationListener NONE = (token, finishReason) -> true;

    /**
     * @param finishReason null while more tokens may follow; on the last token, why the generation
     *     ends ({@code length}, {@code eos_token}, {@code stop_sequence})
     * @return false to stop the generation (the client went away); it then ends as {@code cancelled}
     */
    boolean onToken(GeneratedToken token, String finishReason);
}
