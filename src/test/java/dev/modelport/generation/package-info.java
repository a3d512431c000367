/** Tests of the decoder runtime, text generation, its streaming and its OpenAI-compatible routes. */
package dev.modelport.generation;
