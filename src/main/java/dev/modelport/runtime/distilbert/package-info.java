/** DistilBERT and its heads: how config.json reads and which tensors {@code programs/distilbert.py} takes. */
package dev.modelport.runtime.distilbert;
