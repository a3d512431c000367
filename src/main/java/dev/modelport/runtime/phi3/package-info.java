/**
 * Phi-3 (and Phi-4-mini, which uses its class): how config.json reads (partial rotary embeddings,
 * longrope's short and long factors) and which tensors {@code programs/phi3.py} takes.
 */
package dev.modelport.runtime.phi3;
