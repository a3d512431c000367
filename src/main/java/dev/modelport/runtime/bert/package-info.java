/**
 * BERT, RoBERTa and XLM-RoBERTa encoders (transformers' modeling_bert / modeling_roberta) and their
 * heads, built block by block from checkpoint keys as Hugging Face TEI's candle models are.
 */
package dev.modelport.runtime.bert;
