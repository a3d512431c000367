package dev.modelport.pipeline;

/** One generation, checked and ready to run once (see {@link GenerationPipeline#prepare}). */
public interface PreparedGeneration {

    /** The input's tokens (a prompt's, or an encoder-decoder's input). */
    int promptTokens();

    /** What the stream's {@code generated_text} starts with: the prompt when text-generation returns the full text, else nothing. */
    String textBefore();

    /** Runs the generation, showing each token to {@code listener}. */
    GenerationResult generate(GenerationListener listener);
}
