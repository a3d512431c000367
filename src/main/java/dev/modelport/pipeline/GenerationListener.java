package dev.modelport.pipeline;

/** Receives a generation's tokens as they are chosen (e.g. to stream them to a client). */
@FunctionalInterface
public interface GenerationListener {

    GenerationListener NONE = token -> true;

    /** @return false to stop the generation (the client went away); it then ends as {@code cancelled} */
    boolean onToken(GeneratedToken token);
}
