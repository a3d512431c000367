import { useEffect, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { HubSearchResult } from '../api/types'

export type HubSearchState =
  | { state: 'loading'; result: HubSearchResult | null; key: string }
  | { state: 'done'; result: HubSearchResult; key: string }
  | { state: 'error'; error: ApiError; result: null; key: string }

/** Searches the Hub through the service, `delayMs` after the words stop changing. */
export function useHubSearch(words: string, task: string, sort: string, delayMs = 300): HubSearchState {
  const key = `${words.trim().toLowerCase()}|${task}|${sort}`
  const [state, setState] = useState<HubSearchState>({ state: 'loading', result: null, key })

  useEffect(() => {
    const ctrl = new AbortController()
    setState((s) => ({ state: 'loading', result: s.result, key }))
    const timer = setTimeout(() => {
      api
        .hubSearch({ search: words.trim(), task: task || undefined, sort }, ctrl.signal)
        .then((result) => setState({ state: 'done', result, key }))
        .catch((e) => {
          if ((e as Error).name === 'AbortError') return
          const error = e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) })
          setState({ state: 'error', error, result: null, key })
        })
    }, delayMs)
    return () => {
      clearTimeout(timer)
      ctrl.abort()
    }
    // the key holds words, task and sort
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, delayMs])

  return state
}
