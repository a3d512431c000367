/**
 * Deployments: the one state machine of DESIGN.md ({@link dev.modelport.lifecycle.DeploymentStatus},
 * enforced by {@link dev.modelport.lifecycle.Deployment}), the stage runner that drives hub, runtime,
 * pipeline and serving, per-deployment progress streams (Mutiny {@code Multi} replaying the latest
 * event), the registry, and the metadata.json store that lets deployments survive a restart.
 */
package dev.modelport.lifecycle;
