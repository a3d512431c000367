/**
 * The real sentence-transformers/all-MiniLM-L6-v2 model for tests: its PyTorch checkpoint lifted out of
 * the ONNX export that a Maven test dependency ships ({@link dev.modelport.testing.minilm.MiniLmRepo}),
 * and ONNX Runtime on that export as the reference ({@link dev.modelport.testing.minilm.OnnxReference}).
 */
package dev.modelport.testing.minilm;
