/**
 * Task pipelines: tokenize, run the model, post-process into the Hugging Face Inference API's
 * shapes. One class per task; {@link dev.modelport.pipeline.PipelineFactory} picks the task and
 * builds it. No HTTP here: inputs and outputs are Jackson trees.
 */
package dev.modelport.pipeline;
