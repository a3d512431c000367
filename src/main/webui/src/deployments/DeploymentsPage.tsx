import { api } from '../api/client'
import type { Deployment } from '../api/types'
import { StatusBadge } from '../components/StatusBadge'
import { formatBytes, formatMs } from '../lib/format'
import { navigate } from '../lib/router'
import { isTerminal } from '../progress/stages'
import { taskLabel } from '../wizard/suggestions'
import { usePolling } from './usePolling'

export function deploymentHref(d: Deployment): string {
  const base = `/deployments/${encodeURIComponent(d.deployment_id)}`
  return isTerminal(d.status) ? base : `${base}/progress`
}

function Link({ href, children, ...rest }: { href: string; children: React.ReactNode } & React.AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={href}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
        e.preventDefault()
        navigate(href)
      }}
      {...rest}
    >
      {children}
    </a>
  )
}

export function DeploymentsPage() {
  const { data, error } = usePolling((s) => api.deployments(s), 3000, 'list')
  const list = data?.deployments ?? []

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Deployments</h1>
          <p className="muted">Every model this server runs or tried to run.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => navigate('/deploy/model')} data-testid="new-deployment">
          + New deployment
        </button>
      </div>

      {error && (
        <div className="callout callout-danger" role="alert">
          <p className="callout-title">
            Cannot list deployments <code className="error-code">{error.code}</code>
          </p>
          <p>{error.message}</p>
        </div>
      )}

      {data && list.length === 0 && (
        <div className="card empty" data-testid="deployments-empty">
          <h2>No deployments yet</h2>
          <p className="muted">Pick a model from the Hugging Face Hub and serve it in a few clicks.</p>
          <button type="button" className="btn btn-primary" onClick={() => navigate('/deploy/model')}>
            Deploy your first model
          </button>
        </div>
      )}

      {list.length > 0 && (
        <div className="card table-card">
          <div className="table-wrap">
            <table className="table table-hover table-stack" data-testid="deployments-table">
              <caption className="visually-hidden">Deployments</caption>
              <thead>
                <tr>
                  <th scope="col">Deployment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Task</th>
                  <th scope="col">Device</th>
                  <th scope="col" className="num">Memory</th>
                  <th scope="col" className="num">Requests</th>
                  <th scope="col" className="num">Avg latency</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.deployment_id} data-testid={`deployment-row-${d.deployment_id}`}>
                    <td>
                      <Link href={deploymentHref(d)} className="row-link">
                        <strong>{d.deployment_id}</strong>
                      </Link>
                      <div className="muted mono small">{d.model_id}</div>
                    </td>
                    <td data-label="Status">
                      <span className="nowrap">
                        <StatusBadge status={d.status} />
                        {!isTerminal(d.status) && <span className="muted small"> {Math.round(d.progress)} %</span>}
                      </span>
                    </td>
                    <td data-label="Task">{taskLabel(d.task)}</td>
                    <td data-label="Device">
                      <span className="mono nowrap">
                        {d.device ?? '—'}
                        {d.dtype && <span className="muted"> · {d.dtype}</span>}
                      </span>
                    </td>
                    <td className="num" data-label="Memory">{d.memory_bytes ? formatBytes(d.memory_bytes) : '—'}</td>
                    <td className="num" data-label="Requests">{d.stats.requests.toLocaleString()}</td>
                    <td className="num" data-label="Avg latency">{d.stats.requests ? formatMs(d.stats.avg_latency_ms) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  )
}

export { Link }
