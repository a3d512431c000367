/**
 * Building blocks shared by the architectures: checkpoint views ({@link dev.modelport.runtime.nn.Weights}),
 * Linear, LayerNorm, Embedding, activations, attention and its mask. Every block's forward puts its
 * result in the manager of its input, never in the weights' manager (ENVIRONMENT.md's leak trap).
 */
package dev.modelport.runtime.nn;
