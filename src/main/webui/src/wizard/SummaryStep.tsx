import { useState } from 'react'
import { api, ApiError, getApiKey } from '../api/client'
import { CopyButton } from '../components/CopyButton'
import { deployCurl } from '../lib/curl'
import { formatBytes } from '../lib/format'
import { navigate } from '../lib/router'
import { errorHelp } from '../progress/errorHelp'
import { estimatedMemory, resolveDevice } from './HardwareStep'
import { toDeployRequest } from './state'
import type { StepProps } from './stepProps'
import { taskLabel } from './suggestions'

export function SummaryStep({ state, system, onDeployed, onBack }: StepProps & { onDeployed: () => void; onBack: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
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
    ['Model', <span className="mono">{req.model_id}</span>],
    ['Revision', <span className="mono">{req.revision}{p.commit ? ` (${p.commit.slice(0, 10)})` : ''}</span>],
    ['Architecture', <span className="mono">{p.architecture ?? '—'}</span>],
    ['Task', taskLabel(req.task)],
    ['Device', <span className="mono">{req.device}</span>],
    ['Precision', <span className="mono">{req.dtype}</span>],
    ['Download', `${formatBytes(p.download_bytes)} in ${p.files.filter((f) => f.selected).length} files`],
    ['Memory (est.)', formatBytes(estimatedMemory(p, resolveDevice(state.device, system?.devices ?? [])?.type === 'gpu', req.dtype))],
    ['Deployment id', <span className="mono">{req.deployment_id}</span>],
    ['Batching', `up to ${req.max_batch_size} requests, waiting at most ${req.max_batch_delay_ms} ms`],
    ['Dedicated port', req.dedicated_port ? 'Yes' : 'No'],
  ]

  return (
    <div className="step-body">
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

      {error && (
        <div className="callout callout-danger" role="alert" data-testid="deploy-error">
          <p className="callout-title">
            Deployment not started <code className="error-code">{error.code}</code>
          </p>
          <p>{error.message}</p>
          <p className="callout-help">
            <strong>What to do: </strong>
            {errorHelp(error.code)}
          </p>
        </div>
      )}

      <div className="step-footer">
        <button type="button" className="btn" onClick={onBack} data-testid="wizard-back">
          Back
        </button>
        <button type="button" className="btn btn-primary btn-lg" onClick={deploy} disabled={busy} data-testid="deploy-button">
          {busy ? 'Starting…' : 'Deploy'}
        </button>
      </div>
    </div>
  )
}
