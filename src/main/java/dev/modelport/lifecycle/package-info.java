/**
 * Deployments: the one state machine of DESIGN.md ({@link dev.modelport.lifecycle.DeploymentStatus},
 * enforced by {@link dev.modelport.lifecycle.Deployment}), the stage runner that drives hub, runtime,
 * pipeline and serving, per-deployment progress streams (Mutiny {@code Multi} replaying the latest
 * event), the registry (with the deployments declared in the configuration, which it never persists
 * or lets the API remove), the metadata.json store that lets deployments survive a restart (absent when
 * MODEL_STORAGE_PATH is empty), and the cache pre-fill of MODELPORT_PREFILL.
 */
package dev.modelport.lifecycle;
