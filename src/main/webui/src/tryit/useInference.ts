import { useRef, useState } from 'react'
import { api, ApiError } from '../api/client'

export interface InferenceState<T> {
  busy: boolean
  result: T | null
  timeMs: number | null
  error: ApiError | null
}

export function useInference<T>(deploymentId: string, onDone?: () => void) {
  const [state, setState] = useState<InferenceState<T>>({ busy: false, result: null, timeMs: null, error: null })
  const ctrl = useRef<AbortController | null>(null)

  const run = async (payload: unknown) => {
    ctrl.current?.abort()
    const c = new AbortController()
    ctrl.current = c
    setState((s) => ({ ...s, busy: true, error: null }))
    try {
      const res = await api.infer<T>(deploymentId, payload, c.signal)
      setState({ busy: false, result: res.result, timeMs: res.inference_time_ms, error: null })
    } catch (e) {
      if ((e as Error).name === 'AbortError') return
      setState({
        busy: false,
        result: null,
        timeMs: null,
        error: e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }),
      })
    }
    onDone?.()
  }
  return { ...state, run }
}
