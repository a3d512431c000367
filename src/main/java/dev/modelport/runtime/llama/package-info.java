/**
 * LlamaForCausalLM and its relatives Qwen2ForCausalLM (q/k/v biases) and MistralForCausalLM
 * (context capped at the sliding window): RMSNorm, rotary embeddings, grouped-query attention, SwiGLU.
 */
package dev.modelport.runtime.llama;
