import type { DeployRequest, Deployment, Preflight, SystemInfo } from '../api/types'

export interface WizardState {
  modelId: string
  revision: string
  preflight: Preflight | null
  device: string
  dtype: string
  deploymentId: string
  deploymentIdEdited: boolean
  task: string
  maxBatchSize: number
  maxBatchDelayMs: number
  dedicatedPort: boolean
  /** The model id was picked or given (not typed): look it up on the Hub at once. */
  checkNow?: boolean
}

export const INITIAL_STATE: WizardState = {
  modelId: '',
  revision: 'main',
  preflight: null,
  device: 'auto',
  dtype: 'auto',
  deploymentId: '',
  deploymentIdEdited: false,
  task: '',
  maxBatchSize: 16,
  maxBatchDelayMs: 5,
  dedicatedPort: true,
}

export const STEPS = [
  { path: 'model', title: 'Model' },
  { path: 'hardware', title: 'Hardware' },
  { path: 'files', title: 'Files' },
  { path: 'settings', title: 'Settings' },
  { path: 'summary', title: 'Summary' },
] as const

export type StepPath = (typeof STEPS)[number]['path']

/** Defaults that come from the server's configuration, applied once the system info arrives. */
export function withSystemDefaults(s: WizardState, system: SystemInfo): WizardState {
  return {
    ...s,
    maxBatchSize: system.limits.max_batch_size,
    maxBatchDelayMs: system.limits.max_batch_delay_ms,
    dedicatedPort: system.limits.dedicated_ports_enabled,
  }
}

export function toDeployRequest(s: WizardState): DeployRequest {
  return {
    model_id: s.modelId.trim(),
    revision: s.revision.trim() || 'main',
    deployment_id: s.deploymentId,
    task: s.task || s.preflight?.task || '',
    device: s.device,
    dtype: s.dtype,
    max_batch_size: s.maxBatchSize,
    max_batch_delay_ms: s.maxBatchDelayMs,
    dedicated_port: s.dedicatedPort,
  }
}

/** Whether the model step is done: a preflight for exactly this id that says supported. */
export function modelReady(s: WizardState): boolean {
  // the model step clears the preflight whenever the id or revision changes
  return s.preflight != null && s.preflight.supported
}

/**
 * The task the wizard proposes for a model: the preflight's, except that a sentence-transformers model
 * (Hub tag sentence-similarity) that can give embeddings gets Embeddings, what most people deploy it for.
 */
export function defaultTask(p: Preflight): string {
  if (p.task === 'sentence-similarity' && p.available_tasks.includes('feature-extraction')) return 'feature-extraction'
  return p.task ?? p.available_tasks[0] ?? ''
}

/** The wizard filled with what a deployment was asked for ("Deploy again"). */
export function stateFromDeployment(d: Deployment, base: WizardState): WizardState {
  const r = d.request ?? {}
  return {
    ...base,
    modelId: r.model_id ?? d.model_id,
    revision: r.revision ?? d.revision ?? 'main',
    preflight: null,
    device: r.device ?? 'auto',
    dtype: r.dtype ?? 'auto',
    deploymentId: d.deployment_id,
    deploymentIdEdited: true,
    task: r.task ?? d.task ?? '',
    maxBatchSize: r.max_batch_size ?? base.maxBatchSize,
    maxBatchDelayMs: r.max_batch_delay_ms ?? base.maxBatchDelayMs,
    dedicatedPort: r.dedicated_port ?? base.dedicatedPort,
    checkNow: true,
  }
}
