/**
 * Serving loaded pipelines: per-device concurrency limits, a bounded wait queue per deployment
 * (429), per-request time limits (504), inference metrics and stats, and the optional dedicated
 * per-deployment port ({@code POST /predict}). Knows pipelines, not deployments' lifecycle.
 */
package dev.modelport.serving;
