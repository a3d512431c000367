/** GPT-2: how config.json reads and which tensors {@code programs/gpt2.py} takes. */
package dev.modelport.runtime.gpt2;
