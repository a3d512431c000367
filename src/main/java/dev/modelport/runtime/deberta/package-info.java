/**
 * DeBERTa-v2 and DeBERTa-v3 ({@code model_type} deberta-v2) and their heads: how config.json reads
 * and which tensors {@code programs/deberta_v2.py} takes.
 */
package dev.modelport.runtime.deberta;
