package dev.modelport.runtime;

/** The output head a checkpoint's architecture carries on top of its base model. */
public enum Head {
    BASE, SEQUENCE_CLASSIFICATION, TOKEN_CLASSIFICATION, MASKED_LM, QUESTION_ANSWERING, CAUSAL_LM
}
