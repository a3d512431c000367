/**
 * Blocks shared by the decoder families (gpt2/, llama/): the per-generation key/value cache, causal
 * grouped-query attention over it, RMSNorm, rotary embeddings, and the loaded decoder itself.
 */
package dev.modelport.runtime.decoder;
