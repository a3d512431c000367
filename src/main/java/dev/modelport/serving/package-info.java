/**
 * Serving loaded pipelines: per deployment a bounded queue (429 when full) and a dynamic batcher
 * that merges text requests with equal parameters into one forward pass (up to max_batch_size
 * texts, waiting at most max_batch_delay_ms) and splits the outputs back; per device a permit pool
 * so that concurrent passes times libtorch threads never exceed the cores; per request a time limit
 * (504, its queued work dropped); inference metrics and stats; and the optional dedicated
 * per-deployment port ({@code POST /predict}). Text generation is served differently: generations
 * run on their callers' threads, admitted up to MAX_QUEUE_SIZE in flight, batched step by step by
 * the pipeline, each forward pass lent the device for that pass only ({@link
 * dev.modelport.serving.GenerationLane}). Knows pipelines, not deployments' lifecycle.
 */
package dev.modelport.serving;
