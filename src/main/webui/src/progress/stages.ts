import type { DeploymentStatus } from '../api/types'

export interface Stage {
  status: DeploymentStatus
  label: string
  detail: string
}

/** The lifecycle of DESIGN.md, in order; progress only moves forward through it. */
export const STAGES: Stage[] = [
  { status: 'initializing', label: 'Initializing', detail: 'Request accepted, id reserved' },
  { status: 'validating', label: 'Validating', detail: 'Model resolved, files and limits checked' },
  { status: 'downloading', label: 'Downloading', detail: 'Fetching the needed files' },
  { status: 'loading', label: 'Loading', detail: 'Reading weights onto the device' },
  { status: 'creating', label: 'Creating', detail: 'Tokenizer, pipeline and warm-up' },
  { status: 'starting', label: 'Starting', detail: 'Workers and endpoint' },
  { status: 'completed', label: 'Ready', detail: 'Serving requests' },
]

export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'stopped'])

export function isTerminal(status: string | undefined | null): boolean {
  return status != null && TERMINAL.has(status)
}

/** Failed, cancelled or stopped: over, and not serving (unlike completed, which is terminal for progress). */
export function isEnded(status: string | undefined | null): boolean {
  return status === 'failed' || status === 'cancelled' || status === 'stopped'
}

export function stageIndex(status: string): number {
  return STAGES.findIndex((s) => s.status === status)
}

/** Where each stage starts on the progress scale (DESIGN.md's lifecycle table). */
const STAGE_START = [0, 10, 15, 55, 60, 75, 100]

/**
 * The stage a progress value lies in. A failure event carries the progress reached, which never goes
 * backwards, so this places a failure even when the socket opened only after it happened.
 */
export function stageAtProgress(progress: number): number {
  let i = 0
  while (i + 1 < STAGE_START.length && progress >= STAGE_START[i + 1]) i++
  return i
}

export type StageState = 'done' | 'current' | 'pending' | 'failed' | 'cancelled' | 'skipped'

/**
 * The state of each stage given the latest status and the furthest stage reached. A failure is drawn on
 * the furthest stage reached (the one that was running when it happened), a cancel or stop likewise as
 * `cancelled`; the stages after it were never reached (`skipped`), not pending.
 */
export function stageStates(status: string, furthest: number): StageState[] {
  const current = stageIndex(status)
  const reached = Math.max(current, furthest)
  return STAGES.map((_, i) => {
    if (status === 'completed') return 'done'
    if (status === 'failed' || status === 'error' || status === 'cancelled' || status === 'stopped') {
      if (status === 'stopped') return i <= reached ? 'done' : 'skipped'
      if (i < reached) return 'done'
      if (i === reached) return status === 'cancelled' ? 'cancelled' : 'failed'
      return 'skipped'
    }
    if (i < reached) return 'done'
    return i === reached ? 'current' : 'pending'
  })
}
