package dev.modelport.runtime;

import java.util.Locale;

/** The output head a checkpoint's architecture carries on top of its base model. */
public enum Head {
    BASE, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION, MASKED_LM, QUESTION_ANSWERING, CAUSAL_LM,
    /** An encoder-decoder's language-model head (T5, BART, Marian): text2text-generation and its kin. */
    SEQ2SEQ_LM;

    /** How programs name the head in their config ({@code sequence_classification}, ...). */
    public String programName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
