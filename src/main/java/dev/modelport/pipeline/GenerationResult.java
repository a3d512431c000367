package dev.modelport.pipeline;

import java.util.List;

/**
 * A finished generation.
 *
 * @param generatedText the answer's {@code generated_text}: the prompt followed by the new text when
 *     return_full_text is true, else the new text alone
 * @param newText the new text alone (cut before a stop string)
 * @param finishReason {@code length}, {@code eos_token}, {@code stop_sequence} or {@code cancelled}
 */
public record GenerationResult(String generatedText, String newText, List<GeneratedToken> tokens, int promptTokens,
        String finishReason) {

    public int generatedTokens() {
        return tokens.size();
    }
}
