package dev.modelport.runtime;

/**
 * What the rest of the service needs to know about a model's inputs, read from config.json by its
 * family once, so that no other package re-derives it from model_type strings.
 *
 * @param vocabSize token ids must be below it
 * @param maxTokens the longest input in tokens (position table size less any offset; a decoder's context)
 * @param typeVocabSize segment ids must be below it; 0 = the model takes none
 * @param usesTokenTypes whether tokenizers hand it segment ids (BERT with several segments)
 */
public record ModelFacts(int vocabSize, int maxTokens, int typeVocabSize, boolean usesTokenTypes) {
}
