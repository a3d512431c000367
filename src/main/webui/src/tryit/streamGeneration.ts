import { ApiError, authHeaders } from '../api/client'
import { parseTokenEvent, SseParser } from '../lib/sse'

/**
 * POSTs a streaming text-generation request and calls `onToken` per token event. Resolves with
 * the final `generated_text` (or the concatenated tokens when the server does not send one).
 */
export async function streamGeneration(
  deploymentId: string,
  body: unknown,
  onToken: (text: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const res = await fetch(`/api/v1/deployments/${encodeURIComponent(deploymentId)}/inference`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() },
    body: JSON.stringify(body),
    signal,
  })
  if (!res.ok) {
    const json = await res.json().catch(() => null)
    throw new ApiError(res.status, json?.error ?? { code: `HTTP_${res.status}`, message: res.statusText })
  }
  // a server that ignores `stream` answers one JSON document
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    const json = await res.json()
    const text: string = json?.result?.[0]?.generated_text ?? ''
    onToken(text)
    return text
  }
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  const parser = new SseParser()
  let text = ''
  let final: string | null = null
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    for (const msg of parser.push(value)) {
      const ev = parseTokenEvent(msg.data)
      if (!ev) continue
      if (ev.error) throw new ApiError(500, ev.error)
      if (ev.text) {
        text += ev.text
        onToken(ev.text)
      }
      if (ev.generated_text != null) final = ev.generated_text
    }
  }
  return final ?? text
}
