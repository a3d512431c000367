import { CopyButton } from '../components/CopyButton'
import { formatScore } from '../lib/format'

// Views of task outputs (shapes from DESIGN.md "Task outputs"), separate from the forms so
// that they can be tested with plain data.

export interface LabelScore {
  label: string
  score: number
}

/** A single input gives a list of results, a batch a list of lists; we show the first. */
export function firstOf<T>(result: T[] | T[][]): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[])
}

function ScoreBar({ score, tone = 'accent' }: { score: number; tone?: string }) {
  return (
    <span className={`score-bar score-${tone}`} aria-hidden="true">
      <span style={{ width: `${Math.max(0, Math.min(1, score)) * 100}%` }} />
    </span>
  )
}

export function ClassificationResult({ result }: { result: LabelScore[] }) {
  const rows = [...result].sort((a, b) => b.score - a.score)
  return (
    <ul className="scores" data-testid="classification-result">
      {rows.map((r, i) => (
        <li key={r.label} className={i === 0 ? 'top' : ''}>
          <span className="score-label">{r.label}</span>
          <ScoreBar score={r.score} tone={i === 0 ? 'accent' : 'muted'} />
          <span className="score-value mono">{formatScore(r.score)}</span>
        </li>
      ))}
    </ul>
  )
}

export interface Entity {
  entity_group?: string
  entity?: string
  score: number
  word: string
  start: number
  end: number
}

const ENTITY_HUES = ['#6366f1', '#0ea5e9', '#10b981', '#f59e0b', '#ec4899', '#8b5cf6', '#14b8a6']

export function entityType(e: Entity): string {
  return (e.entity_group ?? e.entity ?? '?').replace(/^[BI]-/, '')
}

/**
 * A text indexed as the API's start/end count: by code point, as Python does (an emoji is one
 * character there, two UTF-16 units in a JavaScript string).
 */
function codePoints(text: string): (start: number, end?: number) => string {
  const chars = Array.from(text)
  return (start, end) => chars.slice(start, end).join('')
}

/** The input text with each entity span marked, plus a legend of types. */
export function EntitiesResult({ text, entities }: { text: string; entities: Entity[] }) {
  const types = [...new Set(entities.map(entityType))]
  const hue = (t: string) => ENTITY_HUES[types.indexOf(t) % ENTITY_HUES.length]
  const sorted = [...entities].sort((a, b) => a.start - b.start)
  const slice = codePoints(text)
  const parts: React.ReactNode[] = []
  let at = 0
  sorted.forEach((e, i) => {
    if (e.start < at) return
    if (e.start > at) parts.push(slice(at, e.start))
    const t = entityType(e)
    parts.push(
      <mark
        key={i}
        className="entity"
        style={{ '--entity': hue(t) } as React.CSSProperties}
        title={`${t} · ${formatScore(e.score)}`}
        data-testid="entity"
        data-entity={t}
      >
        {slice(e.start, e.end)}
        <span className="entity-type">{t}</span>
      </mark>,
    )
    at = e.end
  })
  const rest = slice(at)
  if (rest) parts.push(rest)
  return (
    <div data-testid="entities-result">
      <p className="entity-text">{parts}</p>
      {entities.length === 0 ? (
        <p className="muted">No entities found.</p>
      ) : (
        <table className="table table-compact">
          <caption className="visually-hidden">Entities</caption>
          <thead>
            <tr>
              <th scope="col">Entity</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">Score</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((e, i) => (
              <tr key={i}>
                <td>{e.word}</td>
                <td>
                  <span className="dot" style={{ background: hue(entityType(e)) }} aria-hidden="true" /> {entityType(e)}
                </td>
                <td className="num mono">{formatScore(e.score)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}

export interface MaskFill {
  score: number
  token: number
  token_str: string
  sequence: string
}

export function FillMaskResult({ result }: { result: MaskFill[] }) {
  return (
    <ol className="ranked" data-testid="fill-mask-result">
      {result.map((r, i) => (
        <li key={`${r.token}-${i}`}>
          <span className="rank">{i + 1}</span>
          <span className="ranked-main">
            <span className="token mono">{r.token_str.trim() || r.token_str}</span>
            <span className="muted small">{r.sequence}</span>
          </span>
          <ScoreBar score={r.score} tone={i === 0 ? 'accent' : 'muted'} />
          <span className="score-value mono">{formatScore(r.score)}</span>
        </li>
      ))}
    </ol>
  )
}

export interface QaAnswer {
  answer: string
  score: number
  start: number
  end: number
}

export function QaResult({ context, result }: { context: string; result: QaAnswer }) {
  const slice = codePoints(context)
  return (
    <div data-testid="qa-result">
      <p className="qa-answer">
        <span className="eyebrow">Answer</span>
        <strong data-testid="qa-answer">{result.answer || '(no answer)'}</strong>
        <span className="muted mono small">score {formatScore(result.score)}</span>
      </p>
      <p className="qa-context">
        {slice(0, result.start)}
        <mark className="answer">{slice(result.start, result.end)}</mark>
        {slice(result.end)}
      </p>
    </div>
  )
}

export function SimilarityResult({ sentences, scores }: { sentences: string[]; scores: number[] }) {
  const rows = sentences.map((s, i) => ({ s, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score)
  return (
    <ul className="scores" data-testid="similarity-result">
      {rows.map((r, i) => (
        <li key={r.s} className={i === 0 ? 'top' : ''}>
          <span className="score-label">{r.s}</span>
          <ScoreBar score={r.score} tone={i === 0 ? 'accent' : 'muted'} />
          <span className="score-value mono">{formatScore(r.score)}</span>
        </li>
      ))}
    </ul>
  )
}

export function EmbeddingResult({ vector }: { vector: number[] }) {
  const norm = Math.sqrt(vector.reduce((n, v) => n + v * v, 0))
  const max = Math.max(...vector.map(Math.abs), 1e-9)
  return (
    <div data-testid="embedding-result">
      <p>
        <strong>{vector.length}</strong> dimensions · norm <span className="mono">{norm.toFixed(4)}</span>
      </p>
      <div className="spark" aria-hidden="true">
        {vector.slice(0, 96).map((v, i) => (
          <span key={i} className={v < 0 ? 'neg' : ''} style={{ height: `${(Math.abs(v) / max) * 100}%` }} />
        ))}
      </div>
      <div className="result-foot">
        <p className="mono small muted">[{vector.slice(0, 8).map((v) => v.toFixed(4)).join(', ')}, …]</p>
        <CopyButton text={JSON.stringify(vector)} label={`Copy the ${vector.length}-dimensional vector`} caption="Copy vector" />
      </div>
    </div>
  )
}
