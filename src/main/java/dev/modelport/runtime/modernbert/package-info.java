/**
 * ModernBERT and its heads: how config.json (transformers 4's {@code global_attn_every_n_layers} /
 * {@code global_rope_theta} / {@code local_rope_theta} or transformers 5's {@code layer_types} /
 * {@code rope_parameters}) reads, and which tensors {@code programs/modernbert.py} takes.
 */
package dev.modelport.runtime.modernbert;
