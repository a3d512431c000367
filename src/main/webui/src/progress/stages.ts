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

export function stageIndex(status: string): number {
  return STAGES.findIndex((s) => s.status === status)
}

export type StageState = 'done' | 'current' | 'pending' | 'failed'

/**
 * The state of each stage given the latest status and the furthest stage reached; a failure is
 * drawn on the furthest stage reached, the one that was running when it happened.
 */
export function stageStates(status: string, furthest: number): StageState[] {
  const current = stageIndex(status)
  const reached = Math.max(current, furthest)
  return STAGES.map((_, i) => {
    if (status === 'completed') return 'done'
    if (status === 'failed' || status === 'cancelled' || status === 'stopped') {
      if (i < reached) return 'done'
      return i === reached ? 'failed' : 'pending'
    }
    if (i < reached) return 'done'
    return i === reached ? 'current' : 'pending'
  })
}
