/**
 * MPNet and its heads: how config.json reads and which tensors {@code programs/mpnet.py} takes.
 */
package dev.modelport.runtime.mpnet;
