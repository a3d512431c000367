import { describe, expect, it } from 'vitest'
import { parseTokenEvent, SseParser } from './sse'

describe('SseParser', () => {
  it('joins messages split across chunks and ignores comments', () => {
    const p = new SseParser()
    expect(p.push(': keep-alive\n\ndata: {"tok')).toEqual([])
    expect(p.push('en": {"text": "Hel"}}\n\ndata: {"token": {"text": "lo"}}\r\n\r\n')).toEqual([
      { event: 'message', data: '{"token": {"text": "Hel"}}' },
      { event: 'message', data: '{"token": {"text": "lo"}}' },
    ])
  })

  it('keeps the event name and joins multi-line data', () => {
    const p = new SseParser()
    expect(p.push('event: error\ndata: a\ndata: b\n\n')).toEqual([{ event: 'error', data: 'a\nb' }])
  })
})

describe('parseTokenEvent', () => {
  it('reads token text and the final generated_text', () => {
    expect(parseTokenEvent('{"token": {"id": 1, "text": " world", "special": false}, "generated_text": null}')).toEqual({
      text: ' world',
      generated_text: null,
      error: null,
    })
    expect(parseTokenEvent('{"token": {"text": "!"}, "generated_text": "Hello world!"}')?.generated_text).toBe('Hello world!')
  })

  it('drops special tokens and ends on [DONE]', () => {
    expect(parseTokenEvent('{"token": {"text": "<|endoftext|>", "special": true}}')?.text).toBe('')
    expect(parseTokenEvent('[DONE]')).toBeNull()
  })
})
