import { useEffect, useId, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { Preflight, TaskName } from '../api/types'
import { formatBytes } from '../lib/format'
import { modelIdProblem, slugFromModelId } from '../lib/modelId'
import { useDebounced } from '../lib/useDebounced'
import { errorHelp } from '../progress/errorHelp'
import { SUGGESTIONS, TASK_LABELS, taskLabel } from './suggestions'
import type { StepProps } from './stepProps'

type Lookup =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }

export function ModelStep({ state, update }: StepProps) {
  const inputId = useId()
  const [touched, setTouched] = useState(state.modelId !== '')
  const [taskFilter, setTaskFilter] = useState<TaskName | 'all'>('all')
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' })
  const problem = modelIdProblem(state.modelId)
  const query = useDebounced(`${state.modelId.trim()}@${state.revision.trim() || 'main'}`, 400)
  const { preflight } = state

  useEffect(() => {
    const [id, revision] = query.split('@')
    if (modelIdProblem(id) || preflight) return
    const ctrl = new AbortController()
    setLookup({ state: 'loading' })
    api
      .preflight(id, revision, ctrl.signal)
      .then((p: Preflight) => {
        setLookup({ state: 'idle' })
        update((s) =>
          `${s.modelId.trim()}@${s.revision.trim() || 'main'}` === query
            ? {
                ...s,
                preflight: p,
                task: p.task ?? '',
                deploymentId: s.deploymentIdEdited ? s.deploymentId : slugFromModelId(p.model_id),
              }
            : s,
        )
      })
      .catch((e) => {
        if ((e as Error).name === 'AbortError') return
        setLookup({
          state: 'error',
          error: e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }),
        })
      })
    return () => ctrl.abort()
    // preflight is read only to skip a lookup we already have
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query])

  const setModel = (modelId: string) => {
    setLookup({ state: 'idle' })
    update((s) => ({ ...s, modelId, preflight: null }))
  }

  const pending = !problem && !preflight && lookup.state !== 'error'
  const shown = SUGGESTIONS.filter((s) => taskFilter === 'all' || s.task === taskFilter)
  const showProblem = touched && problem

  return (
    <div className="step-body">
      <div className="field-row">
        <div className="field grow">
          <label htmlFor={inputId}>Model id</label>
          <input
            id={inputId}
            className="input input-lg mono"
            value={state.modelId}
            placeholder="organization/model-name"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            aria-invalid={showProblem ? true : undefined}
            aria-describedby={`${inputId}-help`}
            data-testid="model-id-input"
            onChange={(e) => {
              setTouched(true)
              setModel(e.target.value)
            }}
            onBlur={() => setTouched(true)}
          />
          <p id={`${inputId}-help`} className={showProblem ? 'field-error' : 'field-help'} data-testid="model-id-feedback">
            {showProblem ? problem : 'A model id from huggingface.co, e.g. dslim/bert-base-NER.'}
          </p>
        </div>
        <div className="field revision">
          <label htmlFor={`${inputId}-rev`}>Revision</label>
          <input
            id={`${inputId}-rev`}
            className="input input-lg mono"
            value={state.revision}
            spellCheck={false}
            data-testid="revision-input"
            onChange={(e) => {
              setLookup({ state: 'idle' })
              update((s) => ({ ...s, revision: e.target.value, preflight: null }))
            }}
          />
          <p className="field-help">Branch, tag or commit.</p>
        </div>
      </div>

      <div aria-live="polite" data-testid="preflight">
        {pending && (touched || state.modelId) && (
          <div className="card card-quiet preflight-loading">
            <span className="spinner" aria-hidden="true" /> Looking up <code>{state.modelId.trim()}</code> on the Hub…
          </div>
        )}
        {lookup.state === 'error' && !preflight && (
          <div className="callout callout-danger" role="alert" data-testid="preflight-error">
            <p className="callout-title">
              {lookup.error.status === 404 ? 'Model not found' : 'This model cannot be used'}{' '}
              <code className="error-code">{lookup.error.code}</code>
            </p>
            <p>{lookup.error.message}</p>
            <p className="callout-help">
              <strong>What to do: </strong>
              {errorHelp(lookup.error.code)}
            </p>
          </div>
        )}
        {preflight && <PreflightCard p={preflight} />}
      </div>

      <section className="suggestions" aria-labelledby="suggestions-title">
        <div className="section-head">
          <h3 id="suggestions-title">Popular models</h3>
          <div className="chips" role="group" aria-label="Filter suggestions by task">
            {(['all', ...Object.keys(TASK_LABELS)] as (TaskName | 'all')[]).map((t) => (
              <button
                key={t}
                type="button"
                className={`chip ${taskFilter === t ? 'chip-on' : ''}`}
                aria-pressed={taskFilter === t}
                onClick={() => setTaskFilter(t)}
              >
                {t === 'all' ? 'All tasks' : TASK_LABELS[t]}
              </button>
            ))}
          </div>
        </div>
        <ul className="suggestion-grid">
          {shown.map((s) => (
            <li key={s.modelId}>
              <button
                type="button"
                className={`suggestion ${state.modelId === s.modelId ? 'suggestion-on' : ''}`}
                onClick={() => {
                  setTouched(true)
                  setModel(s.modelId)
                }}
                aria-pressed={state.modelId === s.modelId}
              >
                <span className="suggestion-id mono">{s.modelId}</span>
                <span className="suggestion-meta">
                  <span className="tag">{taskLabel(s.task)}</span> {s.note}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  )
}

function PreflightCard({ p }: { p: Preflight }) {
  return (
    <div className={`card preflight ${p.supported ? '' : 'preflight-bad'}`} data-testid="preflight-result" data-supported={p.supported}>
      <div className="preflight-head">
        <div>
          <p className="eyebrow">Found on the Hub</p>
          <h3 className="mono">{p.model_id}</h3>
        </div>
        {p.supported ? (
          <span className="badge badge-success" data-testid="supported-badge">Supported</span>
        ) : (
          <span className="badge badge-danger" data-testid="supported-badge">Not supported</span>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>Architecture</dt>
          <dd className="mono">{p.architecture ?? '—'}</dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd>{taskLabel(p.task ?? p.pipeline_tag)}</dd>
        </div>
        <div>
          <dt>Download</dt>
          <dd>{formatBytes(p.download_bytes)}</dd>
        </div>
        <div>
          <dt>Memory (est.)</dt>
          <dd>{formatBytes(p.estimated_memory_bytes)}</dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd className="mono">{p.commit ? p.commit.slice(0, 10) : '—'}</dd>
        </div>
      </dl>
      {!p.supported && p.reason && (
        <div className="callout callout-danger" data-testid="unsupported-reason">
          <p className="callout-title">
            Cannot deploy this model {p.reason_code && <code className="error-code">{p.reason_code}</code>}
          </p>
          <p>{p.reason}</p>
          {p.reason_code && <p className="callout-help">{errorHelp(p.reason_code)}</p>}
        </div>
      )}
      {p.gated && (
        <p className="callout callout-warning" data-testid="gated-note">
          This model is gated: accept its terms on huggingface.co/{p.model_id}, then set <code>HF_TOKEN</code> in{' '}
          <code>.env</code> to a token of that account.
        </p>
      )}
    </div>
  )
}
