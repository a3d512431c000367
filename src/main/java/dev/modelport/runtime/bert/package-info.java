/**
 * BERT, RoBERTa and XLM-RoBERTa and their heads: how config.json reads and which tensors the
 * programs {@code programs/bert.py} and {@code programs/roberta.py} take.
 */
package dev.modelport.runtime.bert;
