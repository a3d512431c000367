import { useEffect, useState } from 'react'
import { api } from '../api/client'
import type { Deployment } from '../api/types'
import { deploymentIdProblem, slugFromModelId } from '../lib/modelId'
import { isEnded } from '../progress/stages'
import type { StepProps } from './stepProps'
import { taskLabel } from './suggestions'
import type { WizardState } from './state'

/** What each task serves, for the task choice. */
export const TASK_HELP: Record<string, string> = {
  'text-classification': 'One label with a score per text (sentiment, topics, …), from the model’s classification head.',
  'token-classification': 'Labels per word: names, places and other entities in a text.',
  'fill-mask': 'Guesses the word hidden behind the mask token.',
  'question-answering': 'Finds the answer to a question inside a context text.',
  'feature-extraction':
    'Embeddings: one vector per text, for search, clustering and retrieval (also served at /v1/embeddings).',
  'sentence-similarity': 'Scores how close one sentence is to each of several others (cosine of their embeddings).',
  'text-generation': 'Continues a prompt token by token; chat models also answer at /v1/chat/completions.',
  'text2text-generation': 'Writes a new text from the input (an encoder-decoder such as Flan-T5 follows the instruction in it).',
  summarization: 'Writes a shorter text that sums up the input (beam search, as the model’s own settings say).',
  translation: 'Translates the input; src_lang and tgt_lang pick the language pair when the model has several.',
}

/** A live deployment (not failed, cancelled or stopped) holding this id, which a deploy would be refused for. */
export function takenBy(id: string, deployments: Deployment[] | null): Deployment | undefined {
  return deployments?.find((d) => d.deployment_id === id && !isEnded(d.status))
}

/** The server's default for a free id: the slug itself, else slug-2, slug-3, … */
export function freeId(slug: string, deployments: Deployment[] | null): string {
  let id = slug
  for (let n = 2; takenBy(id, deployments); n++) {
    const suffix = `-${n}`
    id = slug.slice(0, 63 - suffix.length) + suffix
  }
  return id
}

/** Why the settings cannot be used, or null. */
export function settingsProblem(
  s: WizardState,
  maxBatch: number,
  maxDelay: number,
  deployments: Deployment[] | null = null,
): string | null {
  const taken = takenBy(s.deploymentId, deployments)
  return (
    deploymentIdProblem(s.deploymentId) ??
    (taken ? `The id “${s.deploymentId}” is in use.` : null) ??
    (!s.task ? 'Choose a task.' : null) ??
    (!Number.isInteger(s.maxBatchSize) || s.maxBatchSize < 1 || s.maxBatchSize > maxBatch
      ? `Batch size must be a whole number from 1 to ${maxBatch}.`
      : null) ??
    (!Number.isInteger(s.maxBatchDelayMs) || s.maxBatchDelayMs < 0 || s.maxBatchDelayMs > maxDelay
      ? `Batch delay must be a whole number from 0 to ${maxDelay} ms.`
      : null)
  )
}

/** The deployments now on the server, to check an id where it is typed; read again when `key` changes. */
export function useDeploymentList(key: string): Deployment[] | null {
  const [list, setList] = useState<Deployment[] | null>(null)
  useEffect(() => {
    const ctrl = new AbortController()
    api
      .deployments(ctrl.signal)
      .then((r) => setList(r.deployments))
      .catch(() => setList(null)) // the deploy itself still answers 409 for a taken id
    return () => ctrl.abort()
  }, [key])
  return list
}

export function SettingsStep({ state, update, system, deployments }: StepProps & { deployments: Deployment[] | null }) {
  const p = state.preflight!
  const limits = system?.limits
  const maxBatch = Math.max(limits?.max_batch_size ?? 64, 1)
  const maxDelay = Math.max(limits?.max_batch_delay_ms ?? 100, 0)
  const taken = takenBy(state.deploymentId, deployments)
  const replaces = deployments?.find((d) => d.deployment_id === state.deploymentId && isEnded(d.status))
  const idProblem = deploymentIdProblem(state.deploymentId)
  const tasks = p.available_tasks.length ? p.available_tasks : p.task ? [p.task] : []
  const batchBad = !Number.isInteger(state.maxBatchSize) || state.maxBatchSize < 1 || state.maxBatchSize > maxBatch
  const delayBad = !Number.isInteger(state.maxBatchDelayMs) || state.maxBatchDelayMs < 0 || state.maxBatchDelayMs > maxDelay
  const portsOn = limits?.dedicated_ports_enabled ?? true
  const suggestion = taken ? freeId(slugFromModelId(state.deploymentId), deployments) : null

  // the default id skips ids that running deployments hold, as the server's default does
  useEffect(() => {
    if (!deployments || state.deploymentIdEdited) return
    const free = freeId(slugFromModelId(p.model_id), deployments)
    if (free !== state.deploymentId) update((s) => ({ ...s, deploymentId: free }))
  }, [deployments, state.deploymentIdEdited, state.deploymentId, p.model_id, update])

  return (
    <div className="step-body form-grid">
      <div className="field">
        <label htmlFor="deployment-id">Deployment id</label>
        <input
          id="deployment-id"
          className="input mono"
          value={state.deploymentId}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={idProblem || taken ? true : undefined}
          aria-describedby="deployment-id-help"
          data-testid="deployment-id-input"
          onChange={(e) => update((s) => ({ ...s, deploymentId: e.target.value, deploymentIdEdited: true }))}
        />
        <div id="deployment-id-help" aria-live="polite">
          {idProblem ? (
            <p className="field-error">{idProblem}</p>
          ) : taken ? (
            <p className="field-error" data-testid="deployment-id-taken">
              “{state.deploymentId}” is already used by the {taken.status === 'completed' ? 'running' : taken.status} deployment of{' '}
              <span className="mono">{taken.model_id}</span>. Choose another id
              {suggestion ? (
                <>
                  {' '}
                  or{' '}
                  <button
                    type="button"
                    className="link-button mono"
                    onClick={() => update((s) => ({ ...s, deploymentId: suggestion, deploymentIdEdited: true }))}
                  >
                    use {suggestion}
                  </button>
                </>
              ) : (
                '.'
              )}
            </p>
          ) : (
            <p className="field-help">
              Names the endpoint: <code>/api/v1/deployments/{state.deploymentId}/inference</code>.
              {replaces && (
                <span data-testid="deployment-id-replaces">
                  {' '}
                  Replaces the {replaces.status} deployment with this id.
                </span>
              )}
            </p>
          )}
        </div>
      </div>

      <div className="field">
        <label htmlFor="task">Task</label>
        <select
          id="task"
          className="input"
          value={state.task}
          aria-describedby="task-help"
          data-testid="task-select"
          onChange={(e) => update((s) => ({ ...s, task: e.target.value }))}
        >
          {tasks.map((t) => (
            <option key={t} value={t}>
              {taskLabel(t)}
            </option>
          ))}
        </select>
        <p id="task-help" className="field-help" data-testid="task-help">
          {TASK_HELP[state.task] ?? ''} <span className="mono">{state.task}</span>
          {p.pipeline_tag && p.pipeline_tag !== state.task ? ` · the Hub tags this model ${p.pipeline_tag}` : ''}
          {tasks.length > 1 ? ` · this model also serves ${tasks.filter((t) => t !== state.task).map(taskLabel).join(', ')}` : ''}.
        </p>
      </div>

      <div className="field">
        <label htmlFor="batch-size">Max batch size</label>
        <input
          id="batch-size"
          type="number"
          className="input"
          min={1}
          max={maxBatch}
          value={Number.isNaN(state.maxBatchSize) ? '' : state.maxBatchSize}
          aria-invalid={batchBad ? true : undefined}
          aria-describedby="batch-size-help"
          data-testid="batch-size-input"
          onChange={(e) => update((s) => ({ ...s, maxBatchSize: e.target.valueAsNumber }))}
        />
        <p id="batch-size-help" className={batchBad ? 'field-error' : 'field-help'}>
          {batchBad
            ? `A whole number from 1 to ${maxBatch}.`
            : `Requests that arrive together run as one forward pass, up to this many. Server limit ${maxBatch}.`}
        </p>
      </div>

      <div className="field">
        <label htmlFor="batch-delay">Max batch delay (ms)</label>
        <input
          id="batch-delay"
          type="number"
          className="input"
          min={0}
          max={maxDelay}
          value={Number.isNaN(state.maxBatchDelayMs) ? '' : state.maxBatchDelayMs}
          aria-invalid={delayBad ? true : undefined}
          aria-describedby="batch-delay-help"
          data-testid="batch-delay-input"
          onChange={(e) => update((s) => ({ ...s, maxBatchDelayMs: e.target.valueAsNumber }))}
        />
        <p id="batch-delay-help" className={delayBad ? 'field-error' : 'field-help'}>
          {delayBad
            ? `A whole number from 0 to ${maxDelay}.`
            : 'How long the first request of a batch waits for others. 0 favours latency, more favours throughput.'}
        </p>
      </div>

      <div className="field field-wide">
        <label className="switch">
          <input
            type="checkbox"
            checked={state.dedicatedPort && portsOn}
            disabled={!portsOn}
            aria-describedby="port-help"
            data-testid="dedicated-port-input"
            onChange={(e) => update((s) => ({ ...s, dedicatedPort: e.target.checked }))}
          />
          <span className="switch-track" aria-hidden="true" />
          <span>Dedicated port</span>
        </label>
        <p id="port-help" className="field-help">
          {portsOn
            ? `Also serve the model at http://${window.location.hostname}:PORT/predict on its own port from ${limits?.deployment_port_range ?? '8100-8200'}.`
            : 'Dedicated ports are turned off on this server (DEDICATED_PORTS_ENABLED=false).'}
        </p>
      </div>

      {limits && (
        <div className="field field-wide">
          <p className="field-help">
            Server-wide: requests time out after {limits.inference_timeout_ms / 1000} s (INFERENCE_TIMEOUT_MS), at most{' '}
            {limits.max_queue_size} wait in the queue (MAX_QUEUE_SIZE), inputs up to {limits.max_input_chars.toLocaleString()}{' '}
            characters.
          </p>
        </div>
      )}
    </div>
  )
}
