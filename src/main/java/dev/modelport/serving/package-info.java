/**
 * Serving loaded pipelines: per deployment a bounded queue (429 when full) and a dynamic batcher
 * that merges text requests with equal parameters into one forward pass (up to max_batch_size
 * texts, waiting at most max_batch_delay_ms) and splits the outputs back; per device a permit pool
 * so that concurrent passes times libtorch threads never exceed the cores; per request a time limit
 * (504, its queued work dropped); inference metrics and stats; and the optional dedicated
 * per-deployment port. Text generation is served differently: generations
 * run on their callers' threads, admitted up to MAX_QUEUE_SIZE in flight, batched step by step by
 * the pipeline, each forward pass lent the device for that pass only ({@link
 * dev.modelport.serving.GenerationLane}). Knows pipelines, not deployments' lifecycle.
 *
 * <p>A dedicated port has no HTTP stack of its own. Its server ({@link dev.modelport.serving.DedicatedPortServer})
 * hands every request to the main port's Vert.x router, observed at start-up, where the first route
 * ({@link dev.modelport.serving.DedicatedPortRoutes}) sees the port the request came in on and reroutes its path
 * to the deployment's route on the main port ({@link dev.modelport.serving.DedicatedPortPaths}: {@code /predict}
 * to the wrapped inference route, {@code /} to the raw {@code /models/{id}}, TGI's and TEI's paths and
 * {@code /v1/...} under {@code /models/{id}}), or answers 404 for a path that leads nowhere there. So the body
 * limit, API keys, error mapping and streaming are the main port's own code, and no other deployment
 * (nor a management route) is reachable through the port. This was tried first and works: Vert.x's
 * {@code Router} accepts requests from any server of the same Vert.x instance, and {@code reroute} restarts
 * routing before the body is read. A loopback proxy to the main port, the fallback, would have cost a
 * second connection and copy per request and hidden the client's address.
 */
package dev.modelport.serving;
