/** DistilBERT (transformers' modeling_distilbert) and its heads, built block by block from checkpoint keys. */
package dev.modelport.runtime.distilbert;
