import { useEffect, useRef, useState } from 'react'
import { ApiError } from '../api/client'

/** Calls `load` now and every `intervalMs`, keeping the last value and error. */
export function usePolling<T>(load: (signal: AbortSignal) => Promise<T>, intervalMs: number, key: string) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  loadRef.current = load

  useEffect(() => {
    let alive = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const ctrl = new AbortController()
    const run = async () => {
      try {
        const value = await loadRef.current(ctrl.signal)
        if (!alive) return
        setData(value)
        setError(null)
      } catch (e) {
        if (!alive || (e as Error).name === 'AbortError') return
        setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }))
      }
      if (alive) timer = setTimeout(run, intervalMs)
    }
    run()
    return () => {
      alive = false
      ctrl.abort()
      clearTimeout(timer)
    }
  }, [intervalMs, key, tick])

  return { data, error, refresh: () => setTick((t) => t + 1) }
}
