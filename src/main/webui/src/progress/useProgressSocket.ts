import { useEffect, useRef, useState } from 'react'
import { progressSocketUrl } from '../api/client'
import type { ProgressEvent } from '../api/types'
import { isTerminal, stageIndex } from './stages'

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface ProgressState {
  latest: ProgressEvent | null
  log: ProgressEvent[]
  furthest: number
  connection: Connection
  retryInS: number | null
}

const MAX_LOG = 200
const BASE_DELAY_MS = 1000
const MAX_DELAY_MS = 15000

/** Backoff before reconnect attempt n (0-based): 1 s, 2 s, 4 s ... capped at 15 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
}

/**
 * Follows a deployment's progress socket. The server replays the latest event on connect, so a
 * reconnect loses nothing but intermediate ticks; it closes the socket after a terminal event.
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
        setState((s) => {
          const prev = s.log[s.log.length - 1]
          // the replayed event after a reconnect repeats the last one we have
          const repeat =
            prev && prev.timestamp === event.timestamp && prev.status === event.status && prev.message === event.message
          const log = repeat ? s.log : [...s.log, event].slice(-MAX_LOG)
          return { ...s, latest: event, log, furthest: Math.max(s.furthest, stageIndex(event.status)) }
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
