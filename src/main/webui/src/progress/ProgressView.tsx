import type { ProgressEvent } from '../api/types'
import { formatBytes, formatDuration, formatPercent, formatSpeed } from '../lib/format'
import type { Connection } from './useProgressSocket'
import { errorHelp } from './errorHelp'
import { STAGES, stageAtProgress, stageStates, type StageState } from './stages'

interface Props {
  deploymentId: string
  latest: ProgressEvent | null
  log: ProgressEvent[]
  furthest: number
  connection: Connection
  retryInS: number | null
}

const STATE_LABEL: Record<StageState, string> = {
  done: 'done',
  current: 'in progress',
  pending: 'pending',
  failed: 'failed',
}

function time(ts: string | undefined): string {
  if (!ts) return ''
  const d = new Date(ts)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false })
}

/** Pure view of a deployment's progress; the page feeds it from the socket. */
export function ProgressView({ deploymentId, latest, log, furthest, connection, retryInS }: Props) {
  const status = latest?.status ?? 'initializing'
  const failed = status === 'failed' || status === 'error'
  const stopped = status === 'cancelled' || status === 'stopped'
  const progress = status === 'completed' ? 100 : Math.max(0, Math.min(100, latest?.progress ?? 0))
  const reached = failed || stopped ? Math.max(furthest, stageAtProgress(latest?.progress ?? 0)) : furthest
  const states = stageStates(failed ? 'failed' : status, reached)
  const downloading = status === 'downloading' && latest?.bytes_total != null
  const tone = failed ? 'danger' : stopped ? 'muted' : status === 'completed' ? 'success' : 'accent'

  return (
    <section className="progress" aria-labelledby="progress-title" data-testid="progress-view" data-status={status}>
      <div className="progress-head">
        <div>
          <h2 id="progress-title">
            {status === 'completed' ? 'Deployed' : failed ? 'Failed to deploy' : stopped ? 'Stopped' : 'Deploying'}{' '}
            <code>{deploymentId}</code>
          </h2>
          <p className="muted" aria-live="polite" data-testid="progress-message">
            {latest?.message ?? 'Waiting for the first progress event…'}
          </p>
        </div>
        <span className={`conn conn-${connection}`} data-testid="connection-state">
          {connection === 'open' && 'Live'}
          {connection === 'connecting' && 'Connecting…'}
          {connection === 'reconnecting' && `Connection lost — retrying in ${retryInS ?? 1} s`}
          {connection === 'closed' && 'Finished'}
        </span>
      </div>

      <div
        className={`bar bar-${tone}`}
        role="progressbar"
        aria-label="Deployment progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(progress)}
        data-testid="progress-bar"
      >
        <div className="bar-fill" style={{ width: `${progress}%` }} />
      </div>
      <div className="progress-figures">
        <strong data-testid="progress-percent">{formatPercent(progress)}</strong>
        {downloading && (
          <dl className="inline-stats" data-testid="download-stats">
            <div>
              <dt>Downloaded</dt>
              <dd>
                {formatBytes(latest!.bytes_done)} of {formatBytes(latest!.bytes_total)}
              </dd>
            </div>
            <div>
              <dt>Speed</dt>
              <dd>{formatSpeed(latest!.speed_bytes_per_s)}</dd>
            </div>
            <div>
              <dt>Time left</dt>
              <dd>{formatDuration(latest!.eta_s)}</dd>
            </div>
            {latest!.file && (
              <div>
                <dt>File</dt>
                <dd>
                  <code data-testid="current-file">{latest!.file}</code>
                </dd>
              </div>
            )}
          </dl>
        )}
      </div>

      <ol className="timeline" aria-label="Stages" data-testid="stage-timeline">
        {STAGES.map((stage, i) => (
          <li
            key={stage.status}
            className={`stage stage-${states[i]}`}
            data-testid={`stage-${stage.status}`}
            data-state={states[i]}
            aria-current={states[i] === 'current' ? 'step' : undefined}
          >
            <span className="stage-dot" aria-hidden="true">
              {states[i] === 'done' ? '✓' : states[i] === 'failed' ? '!' : i + 1}
            </span>
            <span className="stage-text">
              <span className="stage-label">{stage.label}</span>
              <span className="stage-detail">{stage.detail}</span>
              <span className="visually-hidden">, {STATE_LABEL[states[i]]}</span>
            </span>
          </li>
        ))}
      </ol>

      {(failed || stopped) && (
        <div className={`callout ${failed ? 'callout-danger' : 'callout-muted'}`} role="alert" data-testid="progress-error">
          <p className="callout-title">
            {failed ? 'Deployment failed' : status === 'cancelled' ? 'Deployment cancelled' : 'Deployment stopped'}
            {latest?.error?.code && (
              <>
                {' '}
                <code className="error-code" data-testid="error-code">
                  {latest.error.code}
                </code>
              </>
            )}
          </p>
          {latest?.error?.message && <p data-testid="error-message">{latest.error.message}</p>}
          <p className="callout-help">
            <strong>What to do: </strong>
            {errorHelp(latest?.error?.code ?? (status === 'cancelled' ? 'CANCELLED' : null))}
          </p>
        </div>
      )}

      <details className="log" open>
        <summary>Log ({log.length})</summary>
        <ol data-testid="progress-log" aria-live="off">
          {log.map((e, i) => (
            <li key={i}>
              <time>{time(e.timestamp)}</time>
              <span className={`log-status log-${e.status}`}>{e.status}</span>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      </details>
    </section>
  )
}
