import { useEffect, useId, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { HubModel, Preflight, SystemInfo, TaskName } from '../api/types'
import { Breakable, sentence } from '../lib/breakable'
import { formatBytes, formatCount } from '../lib/format'
import { modelIdProblem, parseModelInput, slugFromModelId } from '../lib/modelId'
import { errorHelp, splitSupportedList } from '../progress/errorHelp'
import { defaultTask } from './state'
import { SUGGESTIONS, TASK_LABELS, taskLabel } from './suggestions'
import type { StepProps } from './stepProps'
import { useHubSearch } from './useHubSearch'

type Lookup = { state: 'idle' } | { state: 'loading'; key: string } | { state: 'error'; key: string; error: ApiError }

const SORTS = [
  { value: 'downloads', label: 'Most downloaded' },
  { value: 'likes', label: 'Most liked' },
  { value: 'trending', label: 'Trending' },
]

/**
 * Step 1: one field that takes search words, a model id or a Hub link. Words search the Hub (through the
 * service) and list matches; an id is looked up in full (the preflight) as soon as the Hub search shows it
 * exists, or when the user presses Enter, picks a match, or leaves the field — never mid-typing, so a half
 * typed id is not reported as "not found".
 */
export function ModelStep({ state, update, system }: StepProps) {
  const inputId = useId()
  const listId = `${inputId}-results`
  const [task, setTask] = useState<TaskName | ''>('')
  const [sort, setSort] = useState('downloads')
  const [active, setActive] = useState(-1)
  const [confirmed, setConfirmed] = useState<string | null>(null)
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' })
  const { preflight } = state
  const revision = state.revision.trim() || 'main'

  const parsed = parseModelInput(state.modelId)
  const idProblem = parsed ? modelIdProblem(parsed.id) : null
  const candidate = parsed && !idProblem ? parsed.id : null
  const key = candidate ? `${candidate}@${revision}` : null
  const search = useHubSearch(candidate ?? state.modelId, task, sort)
  const models = search.result?.models ?? []
  const searchDone = search.state === 'done' && search.key.startsWith(`${(candidate ?? state.modelId).trim().toLowerCase()}|`)
  const exact = candidate ? models.find((m) => m.model_id.toLowerCase() === candidate.toLowerCase()) : undefined
  const wanted = key != null && !preflight && (state.checkNow || confirmed === key || exact != null)

  // the full check of one model id: only once we know the user means it
  useEffect(() => {
    if (!wanted || !candidate) return
    const id = exact?.model_id ?? candidate
    const ctrl = new AbortController()
    setLookup({ state: 'loading', key: key! })
    api
      .preflight(id, revision, ctrl.signal)
      .then((p: Preflight) => {
        setLookup({ state: 'idle' })
        update((s) =>
          (parseModelInput(s.modelId)?.id ?? '').toLowerCase() === id.toLowerCase() && (s.revision.trim() || 'main') === revision
            ? {
                ...s,
                modelId: p.model_id,
                preflight: p,
                checkNow: false,
                task: s.checkNow && s.task && p.available_tasks.includes(s.task) ? s.task : defaultTask(p),
                deploymentId: s.deploymentIdEdited ? s.deploymentId : slugFromModelId(p.model_id),
              }
            : s,
        )
      })
      .catch((e) => {
        if ((e as Error).name === 'AbortError') return
        setLookup({
          state: 'error',
          key: key!,
          error: e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }),
        })
      })
    return () => ctrl.abort()
    // keyed by the id and revision; exact only names its spelling
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted ? key : null])

  const setText = (text: string) => {
    const link = parseModelInput(text)
    // a pasted Hub link becomes its id (and revision)
    const fromUrl = link && text.trim() !== link.id
    setActive(-1)
    setLookup({ state: 'idle' })
    update((s) => ({
      ...s,
      modelId: fromUrl ? link.id : text,
      revision: fromUrl && link.revision ? link.revision : s.revision,
      preflight: null,
      checkNow: false,
      task: '',
    }))
  }

  const pick = (m: HubModel) => {
    setActive(-1)
    setLookup({ state: 'idle' })
    update((s) => ({ ...s, modelId: m.model_id, preflight: null, checkNow: true, task: '' }))
  }

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!models.length) return
      e.preventDefault()
      const step = e.key === 'ArrowDown' ? 1 : -1
      setActive((i) => {
        const next = i + step
        return next < -1 ? models.length - 1 : next >= models.length ? -1 : next
      })
      return
    }
    if (e.key === 'Escape') {
      setActive(-1)
      return
    }
    if (e.key !== 'Enter') return
    if (active >= 0 && models[active]) {
      e.preventDefault()
      pick(models[active])
    } else if (preflight?.supported) {
      // the form submits: next step
    } else if (key) {
      e.preventDefault()
      setConfirmed(key)
    } else if (models.length && state.modelId.trim()) {
      e.preventDefault()
      pick(models[0])
    } else {
      e.preventDefault()
    }
  }

  const looking = lookup.state === 'loading' || (wanted && lookup.state === 'idle')
  const failed = lookup.state === 'error' && lookup.key === key ? lookup.error : null
  const notListed = candidate && searchDone && !exact && !preflight && !failed && !looking
  const showIdProblem = idProblem && state.modelId.trim().length > 0

  return (
    <div className="step-body">
      <div className="field-row">
        <div className="field grow">
          <label htmlFor={inputId}>Model</label>
          <input
            id={inputId}
            className="input input-lg"
            value={state.modelId}
            placeholder="Search the Hub, or paste organization/model-name"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={models.length > 0}
            aria-controls={listId}
            aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
            aria-invalid={failed || (showIdProblem && confirmed === state.modelId) ? true : undefined}
            aria-describedby={`${inputId}-help`}
            data-testid="model-id-input"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => {
              if (key && searchDone && !exact) setConfirmed(key)
              if (showIdProblem) setConfirmed(state.modelId)
            }}
          />
          <p id={`${inputId}-help`} className="field-help" data-testid="model-id-feedback" aria-live="polite">
            {showIdProblem
              ? idProblem
              : notListed
                ? `No model named “${candidate}” on the Hub yet — keep typing, pick a match below, or press Enter to look it up anyway.`
                : 'Type words to search huggingface.co, or paste a model id (organization/model-name) or its huggingface.co link.'}
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
        {looking && candidate && (
          <div className="card card-quiet preflight-loading">
            <span className="spinner" aria-hidden="true" /> Checking <code>{exact?.model_id ?? candidate}</code> on the Hub…
          </div>
        )}
        {failed && !preflight && (
          <div className="callout callout-danger" role="alert" data-testid="preflight-error">
            <p className="callout-title">
              {failed.status === 404 ? 'Model not found' : 'This model cannot be used'} <code className="error-code">{failed.code}</code>
            </p>
            <p>{failed.message}</p>
            <p className="callout-help">
              <strong>What to do: </strong>
              {errorHelp(failed.code)}
            </p>
          </div>
        )}
        {preflight && <PreflightCard p={preflight} task={state.task} system={system} />}
      </div>

      <section className="hub-search" aria-labelledby={`${inputId}-results-title`}>
        <div className="section-head">
          <h2 id={`${inputId}-results-title`} className="h3">
            {state.modelId.trim() ? 'Matches on the Hub' : 'Most downloaded on the Hub'}
            {search.state === 'loading' && <span className="spinner inline-spinner" aria-label="Searching" />}
          </h2>
          <div className="filters">
            <label className="visually-hidden" htmlFor={`${inputId}-task`}>
              Task
            </label>
            <select
              id={`${inputId}-task`}
              className="input input-compact"
              value={task}
              data-testid="search-task"
              onChange={(e) => setTask(e.target.value as TaskName | '')}
            >
              <option value="">All tasks</option>
              {Object.entries(TASK_LABELS).map(([t, label]) => (
                <option key={t} value={t}>
                  {label}
                </option>
              ))}
            </select>
            <label className="visually-hidden" htmlFor={`${inputId}-sort`}>
              Sort
            </label>
            <select
              id={`${inputId}-sort`}
              className="input input-compact"
              value={sort}
              data-testid="search-sort"
              onChange={(e) => setSort(e.target.value)}
            >
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {search.result?.offline && (
          <p className="callout callout-muted" data-testid="search-offline">
            {search.result.message}
          </p>
        )}
        {search.state === 'error' ? (
          <SearchUnavailable error={search.error} onPick={(id) => pick({ model_id: id } as HubModel)} />
        ) : (
          <>
            <ul className="hub-results" role="listbox" id={listId} aria-label="Models on the Hub" data-testid="hub-results">
              {models.map((m, i) => (
                <HubResult
                  key={m.model_id}
                  m={m}
                  id={`${listId}-${i}`}
                  active={i === active}
                  chosen={preflight?.model_id === m.model_id}
                  onPick={() => pick(m)}
                />
              ))}
            </ul>
            {searchDone && models.length === 0 && (
              <p className="muted" data-testid="hub-no-results">
                No model on the Hub matches “{state.modelId.trim()}”{task ? ` for ${taskLabel(task)}` : ''}.
              </p>
            )}
            {models.length > 0 && (
              <p className="field-help">
                ↑ ↓ and Enter pick a match. “Runs here” is read from the Hub listing (architecture, weights format, size
                limits); picking a model runs the full check.
              </p>
            )}
          </>
        )}
      </section>
    </div>
  )
}

function RunsBadge({ m }: { m: HubModel }) {
  if (m.runs_here === true)
    return (
      <span className="badge badge-success" data-testid="runs-here">
        Runs here
      </span>
    )
  if (m.runs_here === false)
    return (
      <span className="badge badge-muted" data-testid="runs-here" title={m.reason ?? undefined}>
        Won’t run here
      </span>
    )
  return (
    <span className="badge badge-accent" data-testid="runs-here" title={m.reason ?? undefined}>
      Checked when picked
    </span>
  )
}

function HubResult({ m, id, active, chosen, onPick }: { m: HubModel; id: string; active: boolean; chosen: boolean; onPick: () => void }) {
  const slash = m.model_id.indexOf('/')
  const org = slash >= 0 ? m.model_id.slice(0, slash + 1) : ''
  const name = m.model_id.slice(slash + 1)
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      className={`hub-result ${active ? 'hub-result-active' : ''} ${chosen ? 'hub-result-chosen' : ''}`}
      data-testid="hub-result"
      data-model-id={m.model_id}
      data-runs-here={String(m.runs_here)}
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
    >
      <span className="hub-id">
        <span className="hub-org">{org}</span>
        <wbr />
        <span className="hub-name">{name}</span>
      </span>
      <span className="hub-meta">
        {m.task && <span className="tag">{taskLabel(m.task)}</span>}
        <span title="Downloads">↓ {formatCount(m.downloads)}</span>
        <span title="Likes">♥ {formatCount(m.likes)}</span>
        <span title="Size of the weights, from the Hub's parameter counts">
          {m.download_bytes != null ? `${formatBytes(m.download_bytes)} weights` : 'size unknown'}
        </span>
        {m.gated && <span className="tag">gated</span>}
      </span>
      <span className="hub-verdict">
        <RunsBadge m={m} />
      </span>
      {m.runs_here === false && m.reason && <span className="hub-reason">{sentence(m.reason)}</span>}
    </li>
  )
}

function SearchUnavailable({ error, onPick }: { error: ApiError; onPick: (id: string) => void }) {
  return (
    <div className="callout callout-warning" data-testid="search-error">
      <p className="callout-title">
        Hub search unavailable <code className="error-code">{error.code}</code>
      </p>
      <p>{error.message}</p>
      <p className="callout-help">You can still type a model id. Well-known models that run here:</p>
      <ul className="plain-list">
        {SUGGESTIONS.map((s) => (
          <li key={s.modelId}>
            <button type="button" className="link-button mono" onClick={() => onPick(s.modelId)}>
              {s.modelId}
            </button>{' '}
            <span className="muted small">
              {taskLabel(s.task)} · {s.note}
            </span>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The model types the server runs, as a sentence ("bert, distilbert and gpt2"). */
export function supportedTypes(system: SystemInfo | null): string | null {
  const types = system?.supported_model_types
  if (!types?.length) return null
  return types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} and ${types[types.length - 1]}`
}

function PreflightCard({ p, task, system }: { p: Preflight; task: string; system: SystemInfo | null }) {
  const types = supportedTypes(system)
  const reason = p.reason ? splitSupportedList(p.reason).text : null
  return (
    <div className={`card preflight ${p.supported ? '' : 'preflight-bad'}`} data-testid="preflight-result" data-supported={p.supported}>
      <div className="preflight-head">
        <div>
          <p className="eyebrow">Found on the Hub</p>
          <h3 className="mono">
            <Breakable text={p.model_id} />
          </h3>
        </div>
        {p.supported ? (
          <span className="badge badge-success" data-testid="supported-badge">
            Runs here
          </span>
        ) : (
          <span className="badge badge-danger" data-testid="supported-badge">
            Not supported
          </span>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>Architecture</dt>
          <dd className="mono" data-testid="preflight-architecture">
            {p.architecture ? <Breakable text={p.architecture} /> : 'not named in config.json'}
          </dd>
        </div>
        <div>
          <dt>Task</dt>
          <dd data-testid="preflight-task">
            {taskLabel(task || p.task || p.pipeline_tag)}
            {p.pipeline_tag && p.pipeline_tag !== (task || p.task) && (
              <span className="muted small"> (Hub tag: {p.pipeline_tag})</span>
            )}
          </dd>
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
      {!p.supported && reason && (
        <div className="callout callout-danger" data-testid="unsupported-reason">
          <p className="callout-title">
            Cannot deploy this model {p.reason_code && <code className="error-code">{p.reason_code}</code>}
          </p>
          <p>{sentence(reason)}</p>
          {p.reason_code === 'UNSUPPORTED_ARCHITECTURE' && types ? (
            <p className="callout-help" data-testid="supported-types">
              Modelport runs models of type {types}. Search for one of those, e.g. with a task filter above.
            </p>
          ) : (
            p.reason_code && <p className="callout-help">{errorHelp(p.reason_code)}</p>
          )}
          {p.reason_code === 'UNSUPPORTED_ARCHITECTURE' && system?.supported_architectures && (
            <details className="small">
              <summary>All {system.supported_architectures.length} architecture classes it runs</summary>
              <p className="mono muted">{system.supported_architectures.join(', ')}</p>
            </details>
          )}
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
