export interface LatencyPoint {
  t: number
  ms: number
}

const W = 560
const H = 140
const PAD = { top: 12, right: 12, bottom: 22, left: 44 }

/** A small SVG line chart: latency of the requests seen in each polling interval. */
export function LatencyChart({ points, windowMs = 5 * 60_000 }: { points: LatencyPoint[]; windowMs?: number }) {
  if (points.length === 0) {
    return (
      <div className="chart-empty" data-testid="latency-chart-empty">
        No requests yet. Run an inference below and the latency shows up here.
      </div>
    )
  }
  const tMax = points[points.length - 1].t
  const tMin = Math.min(points[0].t, tMax - windowMs / 10)
  const max = Math.max(...points.map((p) => p.ms)) * 1.15 || 1
  const single = points.length === 1
  // one sample has no time axis yet: it sits in the middle with a level line, not alone at the right edge
  const x = (t: number) =>
    single ? (PAD.left + W - PAD.right) / 2 : PAD.left + ((t - tMin) / Math.max(1, tMax - tMin)) * (W - PAD.left - PAD.right)
  const y = (ms: number) => PAD.top + (1 - ms / max) * (H - PAD.top - PAD.bottom)
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.ms).toFixed(1)}`).join(' ')
  const area = `${line} L${x(tMax).toFixed(1)},${H - PAD.bottom} L${x(points[0].t).toFixed(1)},${H - PAD.bottom} Z`
  const ticks = [0, max / 2, max]
  const last = points[points.length - 1]
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Latency over time, last ${Math.round(last.ms)} ms`}
      data-testid="latency-chart"
    >
      {ticks.map((v) => (
        <g key={v}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="chart-grid" />
          <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="chart-label">
            {v < 10 ? v.toFixed(1) : Math.round(v)}
          </text>
        </g>
      ))}
      <text x={PAD.left} y={H - 6} className="chart-label">
        mean ms per request between polls (every 2 s)
      </text>
      {single ? (
        <>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(last.ms)} y2={y(last.ms)} className="chart-level" />
          <text x={x(last.t)} y={y(last.ms) - 10} textAnchor="middle" className="chart-label" data-testid="latency-single">
            {last.ms < 10 ? last.ms.toFixed(1) : Math.round(last.ms)} ms · more points as requests come in
          </text>
        </>
      ) : (
        <>
          <path d={area} className="chart-area" />
          <path d={line} className="chart-line" />
        </>
      )}
      {points.map((p) => (
        <circle key={p.t} cx={x(p.t)} cy={y(p.ms)} r={points.length < 30 ? 3 : 0} className="chart-dot" />
      ))}
    </svg>
  )
}

/**
 * The mean latency of requests that arrived between two stats samples: the total time grows by
 * avg × count, so the difference over the difference in count is the interval's own mean.
 */
export function intervalLatency(
  prev: { requests: number; avg_latency_ms: number } | null,
  next: { requests: number; avg_latency_ms: number },
): number | null {
  if (!prev) return next.requests > 0 ? next.avg_latency_ms : null
  const dn = next.requests - prev.requests
  if (dn <= 0) return null
  const total = next.avg_latency_ms * next.requests - prev.avg_latency_ms * prev.requests
  return Math.max(0, total / dn)
}
