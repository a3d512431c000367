/**
 * Gemma 2 and Gemma 3 (text): how config.json reads (soft-capping, query_pre_attn_scalar, layer
 * types or sliding_window_pattern, Gemma 3's rotary settings per layer type) and which tensors
 * {@code programs/gemma.py} takes.
 */
package dev.modelport.runtime.gemma;
