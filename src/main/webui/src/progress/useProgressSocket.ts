import { useEffect, useRef, useState } from 'react'
import { progressSocketUrl } from '../api/client'
import type { ProgressEvent } from '../api/types'
import { isTerminal, stageIndex } from './stages'

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface ProgressState {
  latest: ProgressEvent | null
  /** Every event seen, in order, once each (a reconnect's replayed history is not added twice). */
  log: ProgressEvent[]
  furthest: number
  connection: Connection
  retryInS: number | null
}

const MAX_EVENTS = 2000
const BASE_DELAY_MS = 1000
const MAX_DELAY_MS = 15000

/** Backoff before reconnect attempt n (0-based): 1 s, 2 s, 4 s ... capped at 15 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
}

/** A download tick (names a file and its bytes), as opposed to a stage change. */
export function isTick(e: ProgressEvent): boolean {
  return e.file != null && e.bytes_done != null
}

function eventKey(e: ProgressEvent): string {
  return [e.timestamp, e.status, e.file, e.bytes_done, e.progress, e.message].join('|')
}

/**
 * Follows a deployment's progress socket. On connect the server sends the deployment's history (every stage
 * change and the latest tick of each file), then each new event, and closes the socket after a terminal
 * event; a dropped socket reconnects with backoff and the replayed history is merged, not repeated.
 */
export function useProgressSocket(
  deploymentId: string,
  makeSocket: (url: string) => WebSocket = (url) => new WebSocket(url),
): ProgressState {
  const [state, setState] = useState<ProgressState>({
    latest: null,
    log: [],
    furthest: -1,
    connection: 'connecting',
    retryInS: null,
  })
  const makeSocketRef = useRef(makeSocket)

  useEffect(() => {
    let socket: WebSocket | null = null
    let timer: ReturnType<typeof setTimeout> | undefined
    let attempt = 0
    let finished = false
    let disposed = false
    const seen = new Set<string>()

    const connect = () => {
      socket = makeSocketRef.current(progressSocketUrl(deploymentId))
      socket.onopen = () => {
        attempt = 0
        setState((s) => ({ ...s, connection: 'open', retryInS: null }))
      }
      socket.onmessage = (msg) => {
        let event: ProgressEvent
        try {
          event = JSON.parse(String(msg.data))
        } catch {
          return
        }
        if (isTerminal(event.status) || event.status === 'error') finished = true
        const key = eventKey(event)
        if (seen.has(key)) return
        seen.add(key)
        setState((s) => {
          // a replayed history may hold ticks older than the latest one we have: keep the newest as latest
          const newer = !s.latest || event.progress >= s.latest.progress || isTerminal(event.status) || event.status === 'error'
          return {
            ...s,
            latest: newer ? event : s.latest,
            log: [...s.log, event].slice(-MAX_EVENTS),
            furthest: Math.max(s.furthest, stageIndex(event.status)),
          }
        })
      }
      socket.onclose = () => {
        if (disposed) return
        if (finished) {
          setState((s) => ({ ...s, connection: 'closed', retryInS: null }))
          return
        }
        const delay = reconnectDelayMs(attempt++)
        setState((s) => ({ ...s, connection: 'reconnecting', retryInS: Math.round(delay / 1000) }))
        timer = setTimeout(connect, delay)
      }
    }
    connect()
    return () => {
      disposed = true
      clearTimeout(timer)
      if (socket) {
        socket.onclose = null
        socket.close()
      }
    }
  }, [deploymentId])

  return state
}
