/**
 * Decoder fixtures: tiny random GPT-2 and Llama-family checkpoints in their genuine layouts with
 * real tokenizer files, and an independent plain-Java reference forward pass to check them against.
 */
package dev.modelport.testing.decoders;
