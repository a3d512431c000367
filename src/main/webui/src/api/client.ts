import type {
  ApiErrorBody,
  DeployAccepted,
  DeployRequest,
  Deployment,
  HubSearchResult,
  InferenceResponse,
  Preflight,
  SystemInfo,
} from './types'

const KEY_STORAGE = 'modelport.api_key'

export function getApiKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? ''
  } catch {
    return ''
  }
}

export function setApiKey(key: string): void {
  if (key) localStorage.setItem(KEY_STORAGE, key)
  else localStorage.removeItem(KEY_STORAGE)
}

/** An error answer of the API, with its stable code (see ErrorCode.java). */
export class ApiError extends Error {
  readonly code: string
  readonly status: number

  constructor(status: number, body: ApiErrorBody) {
    super(body.message)
    this.code = body.code
    this.status = status
  }
}

export function authHeaders(): Record<string, string> {
  const key = getApiKey()
  return key ? { Authorization: `Bearer ${key}` } : {}
}

async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = await res.json()
    if (body?.error?.code) return new ApiError(res.status, body.error)
  } catch {
    // not JSON: fall through to a generic error naming the status
  }
  return new ApiError(res.status, {
    code: res.status === 401 ? 'UNAUTHORIZED' : 'HTTP_' + res.status,
    message: `The server answered ${res.status} ${res.statusText}`.trim(),
  })
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: 'Cannot reach the Modelport server.' })
  }
  if (!res.ok) throw await toApiError(res)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const api = {
  system: (signal?: AbortSignal) => request<SystemInfo>('GET', '/api/v1/system', undefined, signal),
  preflight: (modelId: string, revision: string, signal?: AbortSignal) =>
    request<Preflight>(
      'GET',
      `/api/v1/models/${modelId.split('/').map(encodeURIComponent).join('/')}` +
        `?revision=${encodeURIComponent(revision || 'main')}`,
      undefined,
      signal,
    ),
  hubSearch: (q: { search: string; task?: string; sort?: string; limit?: number }, signal?: AbortSignal) => {
    const params = new URLSearchParams({ search: q.search, sort: q.sort ?? 'downloads', limit: String(q.limit ?? 20) })
    if (q.task) params.set('task', q.task)
    return request<HubSearchResult>('GET', `/api/v1/hub/models?${params}`, undefined, signal)
  },
  deploy: (req: DeployRequest) => request<DeployAccepted>('POST', '/api/v1/deploy', req),
  deployments: (signal?: AbortSignal) =>
    request<{ deployments: Deployment[] }>('GET', '/api/v1/deployments', undefined, signal),
  deployment: (id: string, signal?: AbortSignal) =>
    request<Deployment>('GET', `/api/v1/deployments/${encodeURIComponent(id)}`, undefined, signal),
  undeploy: (id: string) => request<unknown>('DELETE', `/api/v1/deployments/${encodeURIComponent(id)}`),
  infer: <T>(id: string, payload: unknown, signal?: AbortSignal) =>
    request<InferenceResponse<T>>(
      'POST',
      `/api/v1/deployments/${encodeURIComponent(id)}/inference`,
      payload,
      signal,
    ),
}

/**
 * The WebSocket URL of a deployment's progress, on this page's origin, asking for the whole history
 * (the log shows every stage from the start), with the key as `token`.
 */
export function progressSocketUrl(deploymentId: string, loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:'
  const key = getApiKey()
  const query = '?history=true' + (key ? `&token=${encodeURIComponent(key)}` : '')
  return `${scheme}//${loc.host}/api/v1/ws/${encodeURIComponent(deploymentId)}${query}`
}
