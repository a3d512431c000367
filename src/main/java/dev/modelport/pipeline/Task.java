package dev.modelport.pipeline;

import java.util.Arrays;
import java.util.Optional;

/** The tasks Modelport serves, by their Hugging Face names. */
public enum Task {
    TEXT_CLASSIFICATION("text-classification"),
    TOKEN_CLASSIFICATION("token-classification"),
    FILL_MASK("fill-mask"),
    QUESTION_ANSWERING("question-answering"),
    FEATURE_EXTRACTION("feature-extraction"),
    SENTENCE_SIMILARITY("sentence-similarity"),
    TEXT_GENERATION("text-generation"),
    ZERO_SHOT_CLASSIFICATION("zero-shot-classification"),
    TEXT2TEXT_GENERATION("text2text-generation"),
    SUMMARIZATION("summarization"),
    TRANSLATION("translation");

    private final String wireName;

    Task(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Task> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
