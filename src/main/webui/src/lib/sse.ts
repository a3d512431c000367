// Server-Sent Events over a fetch body: EventSource cannot POST or send Authorization.

export interface SseMessage {
  event: string
  data: string
}

/** Splits a text stream into SSE messages; keeps a partial message between chunks. */
export class SseParser {
  private buffer = ''

  push(chunk: string): SseMessage[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n')
    const out: SseMessage[] = []
    let end: number
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end)
      this.buffer = this.buffer.slice(end + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon < 0 ? line : line.slice(0, colon)
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') event = value
        else if (field === 'data') data.push(value)
      }
      if (data.length) out.push({ event, data: data.join('\n') })
    }
    return out
  }
}

/** One generation event: a token's text, and on the last one the whole generated text and its details. */
export interface TokenEvent {
  text: string
  generated_text: string | null
  error: { code: string; message: string } | null
  /** On the last event: why it stopped and how many tokens it took. */
  details: { finish_reason: string; generated_tokens?: number; prompt_tokens?: number } | null
}

/**
 * Reads the documented event shape: `{"token": {"text": ...}, "generated_text": null|string, "details": null|{...}}`,
 * as Hugging Face text-generation-inference sends it; a bare `{"token": "..."}` is accepted too.
 */
export function parseTokenEvent(data: string): TokenEvent | null {
  if (data === '[DONE]') return null
  const json = JSON.parse(data)
  if (json?.status === 'error' && json.error) return { text: '', generated_text: null, error: json.error, details: null }
  const token = json?.token
  const text = typeof token === 'string' ? token : typeof token?.text === 'string' ? token.text : ''
  const special = typeof token === 'object' && token?.special === true
  return {
    text: special ? '' : text,
    generated_text: typeof json?.generated_text === 'string' ? json.generated_text : null,
    error: json?.error ?? null,
    details: json?.details && typeof json.details.finish_reason === 'string' ? json.details : null,
  }
}

/** One chunk of an OpenAI chat completion stream. */
export interface ChatChunk {
  content: string
  finish_reason: string | null
  usage: { prompt_tokens: number; completion_tokens: number } | null
  error: { code: string; message: string } | null
}

/** Reads `{"choices": [{"delta": {"content"}, "finish_reason"}], "usage"?}`; null for `[DONE]`. */
export function parseChatChunk(data: string): ChatChunk | null {
  if (data === '[DONE]') return null
  const json = JSON.parse(data)
  if (json?.status === 'error' && json.error) return { content: '', finish_reason: null, usage: null, error: json.error }
  if (json?.error) return { content: '', finish_reason: null, usage: null, error: { code: json.error.code ?? json.error.type ?? 'ERROR', message: json.error.message ?? String(json.error) } }
  const choice = Array.isArray(json?.choices) ? json.choices[0] : undefined
  return {
    content: typeof choice?.delta?.content === 'string' ? choice.delta.content : '',
    finish_reason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    usage: json?.usage ?? null,
    error: null,
  }
}
