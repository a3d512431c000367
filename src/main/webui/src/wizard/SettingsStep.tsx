import { deploymentIdProblem } from '../lib/modelId'
import type { StepProps } from './stepProps'
import { taskLabel } from './suggestions'
import type { WizardState } from './state'

/** Why the settings cannot be used, or null. */
export function settingsProblem(s: WizardState, maxBatch: number, maxDelay: number): string | null {
  return (
    deploymentIdProblem(s.deploymentId) ??
    (!s.task ? 'Choose a task.' : null) ??
    (!Number.isInteger(s.maxBatchSize) || s.maxBatchSize < 1 || s.maxBatchSize > maxBatch
      ? `Batch size must be a whole number from 1 to ${maxBatch}.`
      : null) ??
    (!Number.isInteger(s.maxBatchDelayMs) || s.maxBatchDelayMs < 0 || s.maxBatchDelayMs > maxDelay
      ? `Batch delay must be a whole number from 0 to ${maxDelay} ms.`
      : null)
  )
}

export function SettingsStep({ state, update, system }: StepProps) {
  const p = state.preflight!
  const limits = system?.limits
  const maxBatch = Math.max(limits?.max_batch_size ?? 64, 1)
  const maxDelay = Math.max(limits?.max_batch_delay_ms ?? 100, 0)
  const idProblem = deploymentIdProblem(state.deploymentId)
  const tasks = p.available_tasks.length ? p.available_tasks : p.task ? [p.task] : []
  const batchBad = !Number.isInteger(state.maxBatchSize) || state.maxBatchSize < 1 || state.maxBatchSize > maxBatch
  const delayBad = !Number.isInteger(state.maxBatchDelayMs) || state.maxBatchDelayMs < 0 || state.maxBatchDelayMs > maxDelay
  const portsOn = limits?.dedicated_ports_enabled ?? true

  return (
    <div className="step-body form-grid">
      <div className="field">
        <label htmlFor="deployment-id">Deployment id</label>
        <input
          id="deployment-id"
          className="input mono"
          value={state.deploymentId}
          spellCheck={false}
          aria-invalid={idProblem ? true : undefined}
          aria-describedby="deployment-id-help"
          data-testid="deployment-id-input"
          onChange={(e) => update((s) => ({ ...s, deploymentId: e.target.value, deploymentIdEdited: true }))}
        />
        <p id="deployment-id-help" className={idProblem ? 'field-error' : 'field-help'}>
          {idProblem ?? (
            <>
              Names the endpoint: <code>/api/v1/deployments/{state.deploymentId}/inference</code>.
            </>
          )}
        </p>
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
              {taskLabel(t)} ({t})
            </option>
          ))}
        </select>
        <p id="task-help" className="field-help">
          Inferred from the model’s architecture and Hub tag{p.task ? ` (${p.task})` : ''}. Override only when the model’s heads
          serve another task.
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
            ? `Also serve the model at http://host:PORT/predict on its own port from ${limits?.deployment_port_range ?? '8100-8200'}.`
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
