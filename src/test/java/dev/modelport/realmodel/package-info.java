/**
 * The real sentence-transformers/all-MiniLM-L6-v2 model through the runtime and the pipelines, held
 * to ONNX Runtime on the original export: a correctness test that runs with the suite, and a
 * throughput benchmark (tag {@code benchmark}) that runs on request.
 */
package dev.modelport.realmodel;
