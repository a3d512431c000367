import { useEffect, useRef, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { Deployment } from '../api/types'
import { StatusBadge } from '../components/StatusBadge'
import { CopyButton } from '../components/CopyButton'
import { Breakable, sentence } from '../lib/breakable'
import { formatBytes, formatMs, plural } from '../lib/format'
import { navigate } from '../lib/router'
import { asSeenFromPage, examplesFromPage, inferenceUrl } from '../lib/urls'
import { errorHelp, splitSupportedList } from '../progress/errorHelp'
import { isEnded, isTerminal } from '../progress/stages'
import { TryItPanel } from '../tryit/TryItPanel'
import { taskLabel } from '../wizard/suggestions'
import { deployAgain } from '../wizard/Wizard'
import { intervalLatency, LatencyChart, type LatencyPoint } from './LatencyChart'
import { Link } from './DeploymentsPage'
import { usePolling } from './usePolling'
import { UsageExamples } from './UsageExamples'

const MAX_POINTS = 120

export function DeploymentDetail({ deploymentId }: { deploymentId: string }) {
  const { data: d, error, refresh } = usePolling((s) => api.deployment(deploymentId, s), 2000, deploymentId)
  const [points, setPoints] = useState<LatencyPoint[]>([])
  const lastStats = useRef<Deployment['stats'] | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [undeploying, setUndeploying] = useState(false)
  const [undeployError, setUndeployError] = useState<ApiError | null>(null)

  useEffect(() => {
    if (!d) return
    const ms = intervalLatency(lastStats.current, d.stats)
    lastStats.current = d.stats
    if (ms != null) setPoints((p) => [...p, { t: Date.now(), ms }].slice(-MAX_POINTS))
  }, [d])

  const undeploy = async () => {
    setUndeploying(true)
    setUndeployError(null)
    try {
      await api.undeploy(deploymentId)
      navigate('/deployments')
    } catch (e) {
      setUndeployError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }))
      setUndeploying(false)
      setConfirming(false)
    }
  }

  if (error && !d) {
    return (
      <div className="page narrow">
        <div className="callout callout-danger" role="alert" data-testid="detail-error">
          <p className="callout-title">
            {error.status === 404 ? 'No such deployment' : 'Cannot load the deployment'} <code className="error-code">{error.code}</code>
          </p>
          <p>{error.message}</p>
        </div>
        <Link href="/deployments">← All deployments</Link>
      </div>
    )
  }
  if (!d) return <div className="page"><div className="card card-quiet">Loading…</div></div>

  const ready = d.status === 'completed'
  return (
    <div className="page detail" data-testid="deployment-detail">
      <Link href="/deployments" className="back-link">
        ← All deployments
      </Link>
      <div className="page-head">
        <div>
          <h1 className="with-badge">
            {d.deployment_id} <StatusBadge status={d.status} />
          </h1>
          <p className="muted mono">{d.model_id}</p>
        </div>
        <div className="actions">
          {!isTerminal(d.status) && (
            <button type="button" className="btn" onClick={() => navigate(`/deployments/${encodeURIComponent(d.deployment_id)}/progress`)}>
              Show progress
            </button>
          )}
          {confirming ? (
            <>
              <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={undeploying}>
                Keep it
              </button>
              <button type="button" className="btn btn-danger" onClick={undeploy} disabled={undeploying} data-testid="confirm-undeploy" autoFocus>
                {undeploying ? 'Undeploying…' : 'Yes, undeploy'}
              </button>
            </>
          ) : (
            <>
              {isTerminal(d.status) && !ready && (
                <button type="button" className="btn" onClick={() => deployAgain(d)} data-testid="deploy-again">
                  Deploy again…
                </button>
              )}
              <button type="button" className="btn btn-danger-outline" onClick={() => setConfirming(true)} data-testid="undeploy">
                {ready || !isTerminal(d.status) ? 'Undeploy' : 'Remove'}
              </button>
            </>
          )}
        </div>
      </div>

      {undeployError && (
        <div className="callout callout-danger" role="alert">
          <p className="callout-title">
            Undeploy failed <code className="error-code">{undeployError.code}</code>
          </p>
          <p>{undeployError.message}</p>
        </div>
      )}
      {d.error && (
        <div className="callout callout-danger" role="alert" data-testid="deployment-error">
          <p className="callout-title">
            Deployment failed <code className="error-code">{d.error.code}</code>
          </p>
          <p>{sentence(splitSupportedList(d.error.message).text)}</p>
          <p className="callout-help">
            <strong>What to do: </strong>
            {errorHelp(d.error.code)}
          </p>
        </div>
      )}

      <div className={ready || d.stats.requests > 0 ? 'detail-grid' : 'detail-grid detail-grid-single'}>
        <section className="card" aria-labelledby="facts-title">
          <h2 id="facts-title">Details</h2>
          <dl className="facts facts-list">
            {isEnded(d.status) ? (
              <div>
                <dt>Endpoint</dt>
                <dd className="muted" data-testid="no-endpoint">
                  Not serving: this deployment {d.status === 'failed' ? 'failed' : `was ${d.status}`}.
                </dd>
              </div>
            ) : (
              <>
                <div>
                  <dt>Inference URL</dt>
                  <dd className="mono copyable">
                    <span data-testid="inference-url">
                      <Breakable text={inferenceUrl(d)} />
                    </span>
                    <CopyButton text={inferenceUrl(d)} label="Copy inference URL" />
                  </dd>
                </div>
                <div>
                  <dt>Dedicated endpoint</dt>
                  <dd className="mono copyable">
                    {d.endpoint ? (
                      <>
                        <span data-testid="endpoint">
                          <Breakable text={asSeenFromPage(d.endpoint)} />
                        </span>
                        <CopyButton text={asSeenFromPage(d.endpoint)} label="Copy dedicated endpoint" />
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </dd>
                </div>
              </>
            )}
            <div>
              <dt>Task</dt>
              <dd>{taskLabel(d.task)}</dd>
            </div>
            <div>
              <dt>Architecture</dt>
              <dd className="mono">{d.architecture ? <Breakable text={d.architecture} /> : '—'}</dd>
            </div>
            <div>
              <dt>Revision</dt>
              <dd className="mono">
                {d.revision}
                {d.commit ? ` · ${d.commit.slice(0, 10)}` : ''}
              </dd>
            </div>
            <div>
              <dt>Device</dt>
              <dd className="mono">{[d.device, d.dtype].filter(Boolean).join(' · ') || '—'}</dd>
            </div>
            {d.dtype_reason && (
              <div>
                <dt>Precision</dt>
                <dd data-testid="dtype-reason">{d.dtype_reason}</dd>
              </div>
            )}
            {d.quantization_error && (
              <div>
                <dt>int8 error</dt>
                <dd data-testid="quantization-error">
                  Against float32 on the warm-up texts: lowest cosine{' '}
                  <strong className="mono">{d.quantization_error.min_cosine.toFixed(4)}</strong> (mean{' '}
                  {d.quantization_error.mean_cosine.toFixed(4)}), same top-scoring entry in{' '}
                  {Math.round(d.quantization_error.top1_agreement * 100)}% of {d.quantization_error.rows} outputs.
                  {d.quantization_error.min_cosine < 0.99 && (
                    <span className="muted"> Check answers that matter against a float32 deployment.</span>
                  )}
                </dd>
              </div>
            )}
            <div>
              <dt>Memory</dt>
              <dd>{d.memory_bytes ? formatBytes(d.memory_bytes) : '—'}</dd>
            </div>
            <div>
              <dt>Files</dt>
              <dd>
                {d.files.length ? `${plural(d.files.length, 'file')} · ${formatBytes(d.files.reduce((n, f) => n + f.size, 0))}` : '—'}
              </dd>
            </div>
          </dl>
        </section>

        {(ready || d.stats.requests > 0) && (
        <section className="card" aria-labelledby="stats-title">
          <div className="section-head">
            <h2 id="stats-title">Traffic</h2>
            <button type="button" className="btn btn-sm btn-ghost" onClick={refresh}>
              Refresh
            </button>
          </div>
          <div className="stat-row stat-row-3">
            <div className="stat">
              <span className="stat-label">Requests</span>
              <span className="stat-value" data-testid="stat-requests">
                {d.stats.requests.toLocaleString()}
              </span>
            </div>
            <div className="stat">
              <span className="stat-label">Errors</span>
              <span className={`stat-value ${d.stats.errors ? 'bad' : ''}`}>{d.stats.errors.toLocaleString()}</span>
            </div>
            <div className="stat">
              <span className="stat-label">Avg latency</span>
              <span className="stat-value">{d.stats.requests ? formatMs(d.stats.avg_latency_ms) : '—'}</span>
            </div>
          </div>
          <LatencyChart points={points} />
        </section>
        )}
      </div>

      {ready && <TryItPanel deployment={d} onDone={refresh} />}
      {ready && d.usage_examples && <UsageExamples examples={examplesFromPage(d.usage_examples, d)} />}
    </div>
  )
}
