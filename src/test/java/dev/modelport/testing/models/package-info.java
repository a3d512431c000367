/**
 * Test fixtures that write tiny checkpoints in the genuine Hugging Face layout (safetensors,
 * config.json, tokenizer files) so that tests exercise the real loading paths without the network.
 */
package dev.modelport.testing.models;
