import { ApiError, authHeaders } from '../api/client'
import { parseChatChunk, parseTokenEvent, SseParser } from '../lib/sse'

/** How a generation ended, as the server reports it. */
export interface GenerationOutcome {
  text: string
  finishReason: string | null
  generatedTokens: number | null
  promptTokens: number | null
}

async function openStream(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...authHeaders() },
    body: JSON.stringify(body),
    signal,
  })
  if (!res.ok) {
    const json = await res.json().catch(() => null)
    throw new ApiError(res.status, json?.error ?? { code: `HTTP_${res.status}`, message: res.statusText })
  }
  return res
}

async function* sseMessages(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  const parser = new SseParser()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    for (const msg of parser.push(value)) yield msg
  }
}

/**
 * POSTs a streaming text-generation request and calls `onToken` per token event. Resolves with the final
 * `generated_text` (or the joined tokens when the server does not send one), the finish reason and token counts.
 */
export async function streamGeneration(
  deploymentId: string,
  body: unknown,
  onToken: (text: string) => void,
  signal?: AbortSignal,
): Promise<GenerationOutcome> {
  const res = await openStream(`/api/v1/deployments/${encodeURIComponent(deploymentId)}/inference`, body, signal)
  // a server that ignores `stream` answers one JSON document
  if (!res.headers.get('content-type')?.includes('text/event-stream')) {
    const json = await res.json()
    const text: string = json?.result?.[0]?.generated_text ?? ''
    onToken(text)
    return { text, finishReason: null, generatedTokens: null, promptTokens: null }
  }
  let text = ''
  let out: GenerationOutcome = { text: '', finishReason: null, generatedTokens: null, promptTokens: null }
  for await (const msg of sseMessages(res)) {
    const ev = parseTokenEvent(msg.data)
    if (!ev) continue
    if (ev.error) throw new ApiError(500, ev.error)
    if (ev.text) {
      text += ev.text
      onToken(ev.text)
    }
    if (ev.details) {
      out = {
        text: ev.generated_text ?? text,
        finishReason: ev.details.finish_reason,
        generatedTokens: ev.details.generated_tokens ?? null,
        promptTokens: ev.details.prompt_tokens ?? null,
      }
    }
  }
  return { ...out, text: out.finishReason ? out.text : text }
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/**
 * Streams `POST /v1/chat/completions` (the deployment's chat template renders the messages) and calls
 * `onDelta` per content chunk; the usage comes from `stream_options.include_usage`.
 */
export async function streamChat(
  deploymentId: string,
  messages: ChatMessage[],
  params: Record<string, unknown>,
  onDelta: (text: string) => void,
  signal?: AbortSignal,
): Promise<GenerationOutcome> {
  const res = await openStream(
    '/v1/chat/completions',
    { model: deploymentId, messages, ...params, stream: true, stream_options: { include_usage: true } },
    signal,
  )
  let text = ''
  let chunks = 0
  const out: GenerationOutcome = { text: '', finishReason: null, generatedTokens: null, promptTokens: null }
  for await (const msg of sseMessages(res)) {
    const c = parseChatChunk(msg.data)
    if (!c) continue
    if (c.error) throw new ApiError(500, c.error)
    if (c.content) {
      text += c.content
      onDelta(c.content)
    }
    if (c.content || c.finish_reason) chunks++
    if (c.finish_reason) out.finishReason = c.finish_reason
    if (c.usage) {
      out.generatedTokens = c.usage.completion_tokens
      out.promptTokens = c.usage.prompt_tokens
    }
  }
  return { ...out, text, generatedTokens: out.generatedTokens ?? chunks }
}
