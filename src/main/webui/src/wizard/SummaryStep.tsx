import { useEffect, useRef, useState } from 'react'
import { api, ApiError, getApiKey } from '../api/client'
import { CopyButton } from '../components/CopyButton'
import { deployCurl } from '../lib/curl'
import { Breakable } from '../lib/breakable'
import { formatBytes, plural } from '../lib/format'
import { navigate } from '../lib/router'
import { errorHelp } from '../progress/errorHelp'
import { estimatedMemory, resolveDevice } from './HardwareStep'
import { toDeployRequest } from './state'
import type { StepProps } from './stepProps'
import { taskLabel } from './suggestions'

/** What a refused deploy means, in the wizard's words. */
function deployErrorText(e: ApiError, id: string): string {
  if (e.code === 'DEPLOYMENT_EXISTS') return `Another deployment started with the id “${id}” meanwhile. Choose another id in Settings.`
  if (e.code === 'TOO_MANY_DEPLOYMENTS') return 'This server already runs as many deployments as it allows (MAX_DEPLOYMENTS). Undeploy one first.'
  return e.message
}

export function SummaryStep({
  state,
  system,
  onDeployed,
  onBack,
  onEditSettings,
}: StepProps & { onDeployed: () => void; onBack: () => void; onEditSettings: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const errorBox = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (error) errorBox.current?.focus()
  }, [error])
  const req = toDeployRequest(state)
  const p = state.preflight!
  const curl = deployCurl(window.location.origin, req, system?.api_key_required ?? !!getApiKey())

  const deploy = async () => {
    setBusy(true)
    setError(null)
    try {
      const accepted = await api.deploy(req)
      onDeployed()
      navigate(`/deployments/${encodeURIComponent(accepted.deployment_id)}/progress`)
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }))
      setBusy(false)
    }
  }

  const rows: [string, React.ReactNode][] = [
    ['Model', <span className="mono"><Breakable text={req.model_id} /></span>],
    ['Revision', <span className="mono">{req.revision}{p.commit ? ` (${p.commit.slice(0, 10)})` : ''}</span>],
    ['Architecture', <span className="mono">{p.architecture ? <Breakable text={p.architecture} /> : '—'}</span>],
    ['Task', taskLabel(req.task)],
    ['Device', <span className="mono">{req.device}</span>],
    ['Precision', <span className="mono">{req.dtype}</span>],
    ['Download', `${formatBytes(p.download_bytes)} in ${plural(p.files.filter((f) => f.selected).length, 'file')}`],
    [
      'Memory (est.)',
      <span data-testid="summary-memory">
        {formatBytes(estimatedMemory(p, resolveDevice(state.device, system?.devices ?? [])?.type === 'gpu', req.dtype))}
      </span>,
    ],
    ['Deployment id', <span className="mono">{req.deployment_id}</span>],
    ['Batching', `up to ${req.max_batch_size} requests, waiting at most ${req.max_batch_delay_ms} ms`],
    ['Dedicated port', req.dedicated_port ? 'Yes' : 'No'],
  ]

  return (
    <>
      <div className="step-body">
        {error && (
          <div className="callout callout-danger" role="alert" data-testid="deploy-error" tabIndex={-1} ref={errorBox}>
            <p className="callout-title">
              Deployment not started <code className="error-code">{error.code}</code>
            </p>
            <p>{deployErrorText(error, req.deployment_id)}</p>
            {error.code === 'DEPLOYMENT_EXISTS' || error.code === 'INVALID_DEPLOYMENT_ID' ? (
              <p>
                <button type="button" className="btn btn-sm" onClick={onEditSettings} data-testid="edit-settings">
                  Change the deployment id
                </button>
              </p>
            ) : (
              <p className="callout-help">
                <strong>What to do: </strong>
                {errorHelp(error.code)}
              </p>
            )}
          </div>
        )}
        <dl className="summary" data-testid="summary">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>

        <section className="code-card" aria-labelledby="curl-title">
          <div className="code-head">
            <h3 id="curl-title">Same request with curl</h3>
            <CopyButton text={curl} label="Copy curl command" />
          </div>
          <pre className="code" data-testid="summary-curl">
            <code>{curl}</code>
          </pre>
        </section>
      </div>

      <div className="step-footer">
        <button type="button" className="btn" onClick={onBack} data-testid="wizard-back">
          Back
        </button>
        <button type="button" className="btn btn-primary btn-lg" onClick={deploy} disabled={busy} data-testid="deploy-button">
          {busy ? 'Starting…' : 'Deploy'}
        </button>
      </div>
    </>
  )
}
