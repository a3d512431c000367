import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { ProgressEvent } from '../api/types'
import { sentence } from '../lib/breakable'
import { formatBytes, formatDuration, formatElapsed, formatPercent, formatSpeed } from '../lib/format'
import type { Connection } from './useProgressSocket'
import { isTick } from './useProgressSocket'
import { errorHelp, splitSupportedList } from './errorHelp'
import { STAGES, stageAtProgress, stageStates, type StageState } from './stages'

interface Props {
  deploymentId: string
  latest: ProgressEvent | null
  log: ProgressEvent[]
  furthest: number
  connection: Connection
  retryInS: number | null
  /** The clock, for the elapsed time while the deployment runs (tests pass a fixed one). */
  now?: () => number
}

const STATE_LABEL: Record<StageState, string> = {
  done: 'done',
  current: 'in progress',
  pending: 'pending',
  failed: 'failed here',
  cancelled: 'cancelled here',
  skipped: 'not reached',
}

function time(ts: string | undefined): string {
  if (!ts) return ''
  const d = new Date(ts)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false })
}

export interface LogRow {
  key: string
  event: ProgressEvent
  /** Ticks of this file folded into the row. */
  ticks: number
}

/** The log as shown: stage changes one per line, the download ticks of each file folded into one line. */
export function logRows(events: ProgressEvent[]): LogRow[] {
  const rows: LogRow[] = []
  const byFile = new Map<string, number>()
  events.forEach((e, i) => {
    if (isTick(e)) {
      const at = byFile.get(e.file!)
      if (at != null) {
        rows[at] = { ...rows[at], event: e, ticks: rows[at].ticks + 1 }
        return
      }
      byFile.set(e.file!, rows.length)
      rows.push({ key: `file:${e.file}`, event: e, ticks: 1 })
    } else {
      rows.push({ key: `event:${i}`, event: e, ticks: 0 })
    }
  })
  return rows
}

/** When the deployment started (its first event) and, once it ended, when it ended. */
function span(log: ProgressEvent[], latest: ProgressEvent | null): { start: number | null; end: number | null } {
  const first = log.find((e) => e.status === 'initializing') ?? log[0]
  const start = first ? Date.parse(first.timestamp) : NaN
  const ended = latest && (latest.status === 'completed' || latest.status === 'failed' || latest.status === 'cancelled' || latest.status === 'stopped')
  const end = ended ? Date.parse(latest!.timestamp) : NaN
  return { start: Number.isNaN(start) ? null : start, end: Number.isNaN(end) ? null : end }
}

const TITLE: Record<string, string> = {
  completed: 'Deployed',
  failed: 'Deployment failed:',
  error: 'Deployment failed:',
  cancelled: 'Deployment cancelled:',
  stopped: 'Undeployed:',
}

/** Pure view of a deployment's progress; the page feeds it from the socket. */
export function ProgressView({ deploymentId, latest, log, furthest, connection, retryInS, now = Date.now }: Props) {
  const status = latest?.status ?? 'initializing'
  const failed = status === 'failed' || status === 'error'
  const stopped = status === 'cancelled' || status === 'stopped'
  const ended = failed || stopped || status === 'completed'
  const progress = status === 'completed' ? 100 : Math.max(0, Math.min(100, latest?.progress ?? 0))
  const reached = failed || stopped ? Math.max(furthest, stageAtProgress(latest?.progress ?? 0)) : furthest
  const states = stageStates(failed ? 'failed' : status, reached)
  const downloading = status === 'downloading' && latest?.bytes_total != null
  const tone = failed ? 'danger' : stopped ? 'muted' : status === 'completed' ? 'success' : 'accent'
  const { start, end } = span(log, latest)
  const [clock, setClock] = useState(now)
  useEffect(() => {
    if (ended || start == null) return
    const t = setInterval(() => setClock(now()), 1000)
    return () => clearInterval(t)
  }, [ended, start, now])
  const elapsed = start == null ? null : ((end ?? Math.max(clock, start)) - start) / 1000
  const rows = logRows(log)
  const error = latest?.error ? splitSupportedList(latest.error.message) : null

  return (
    <section className="progress" aria-labelledby="progress-title" data-testid="progress-view" data-status={status}>
      <div className="progress-head">
        <div>
          <h2 id="progress-title">
            {TITLE[status] ?? 'Deploying'} <code>{deploymentId}</code>
          </h2>
          <p className="muted" aria-live="polite" data-testid="progress-message">
            {latest?.message ? splitSupportedList(latest.message).text : 'Waiting for the first progress event…'}
          </p>
        </div>
        {connection !== 'closed' && !ended && (
          <span className={`conn conn-${connection}`} data-testid="connection-state">
            {connection === 'open' && 'Live'}
            {connection === 'connecting' && 'Connecting…'}
            {connection === 'reconnecting' && `Connection lost — retrying in ${retryInS ?? 1} s`}
          </span>
        )}
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
        {elapsed != null && (
          <span className="muted" data-testid="elapsed">
            {ended ? 'took' : 'elapsed'} <span className="mono">{formatElapsed(elapsed)}</span>
          </span>
        )}
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
              <div className="inline-stats-file">
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
              {states[i] === 'done' ? '✓' : states[i] === 'failed' ? '!' : states[i] === 'cancelled' ? '–' : i + 1}
            </span>
            <span className="stage-text">
              <span className="stage-label">{stage.label}</span>
              <span className="stage-detail">
                {states[i] === 'failed' || states[i] === 'cancelled' || states[i] === 'skipped'
                  ? STATE_LABEL[states[i]].replace(/^./, (c) => c.toUpperCase())
                  : stage.detail}
              </span>
              <span className="visually-hidden">, {STATE_LABEL[states[i]]}</span>
            </span>
          </li>
        ))}
      </ol>

      {(failed || stopped) && (
        <div className={`callout ${failed ? 'callout-danger' : 'callout-muted'}`} role="status" data-testid="progress-error">
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
          {error && <p data-testid="error-message">{sentence(error.text)}</p>}
          {error && error.supported.length > 0 && (
            <details className="small">
              <summary>The {error.supported.length} architecture classes Modelport runs</summary>
              <p className="mono muted">{error.supported.join(', ')}</p>
            </details>
          )}
          <p className="callout-help">
            <strong>What to do: </strong>
            {errorHelp(latest?.error?.code ?? (status === 'cancelled' ? 'CANCELLED' : null))}
          </p>
        </div>
      )}

      <ProgressLog rows={rows} />
    </section>
  )
}

/** The log, newest line in view: it follows new lines unless the reader scrolled up to read older ones. */
function ProgressLog({ rows }: { rows: LogRow[] }) {
  const list = useRef<HTMLOListElement>(null)
  const follow = useRef(true)
  const last = rows[rows.length - 1]
  useLayoutEffect(() => {
    const el = list.current
    if (el && follow.current) el.scrollTop = el.scrollHeight
  }, [rows.length, last?.event])
  // lines that wrap anew (a narrower window) must not push the newest one out of view
  useEffect(() => {
    const el = list.current
    if (!el || typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(() => {
      if (follow.current) el.scrollTop = el.scrollHeight
    })
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return (
    <details className="log" open>
      <summary>
        Log <span className="muted">({rows.length} {rows.length === 1 ? 'line' : 'lines'}, download ticks folded per file)</span>
      </summary>
      <ol
        ref={list}
        data-testid="progress-log"
        aria-live="off"
        tabIndex={0}
        aria-label="Progress log"
        onScroll={(e) => {
          const el = e.currentTarget
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24
        }}
      >
        {rows.map((r) => (
          <li key={r.key} data-testid={r.ticks ? 'log-file' : 'log-stage'} data-file={r.event.file ?? undefined}>
            <time>{time(r.event.timestamp)}</time>
            <span className={`log-status log-${r.event.status}`}>{r.event.status}</span>
            <span>
              {r.event.message ? splitSupportedList(r.event.message).text : ''}
              {r.ticks > 1 && <span className="muted"> · {r.ticks} updates</span>}
            </span>
          </li>
        ))}
      </ol>
    </details>
  )
}
