/** GPT2LMHeadModel: config, pre-norm block with Conv1D weights, and the tied language-model head. */
package dev.modelport.runtime.gpt2;
