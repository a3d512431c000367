import { describe, expect, it } from 'vitest'
import { parseChatChunk, parseTokenEvent, SseParser } from './sse'

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
      details: null,
    })
    expect(parseTokenEvent('{"token": {"text": "!"}, "generated_text": "Hello world!"}')?.generated_text).toBe('Hello world!')
  })

  it('drops special tokens and ends on [DONE]', () => {
    expect(parseTokenEvent('{"token": {"text": "<|endoftext|>", "special": true}}')?.text).toBe('')
    expect(parseTokenEvent('[DONE]')).toBeNull()
  })
})

describe('finish details and chat chunks', () => {
  it('reads the finish reason and token counts of the last event', () => {
    const last = parseTokenEvent(
      '{"token": {"text": "!"}, "generated_text": "Hi!", "details": {"finish_reason": "length", "generated_tokens": 2, "prompt_tokens": 3}}',
    )
    expect(last?.details).toEqual({ finish_reason: 'length', generated_tokens: 2, prompt_tokens: 3 })
  })

  it('reads OpenAI chat chunks, the usage chunk and [DONE]', () => {
    expect(parseChatChunk('{"choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": null}]}')).toEqual({
      content: 'Hel',
      finish_reason: null,
      usage: null,
      error: null,
    })
    expect(parseChatChunk('{"choices": [{"delta": {"content": "lo"}, "finish_reason": "stop"}]}')?.finish_reason).toBe('stop')
    expect(parseChatChunk('{"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}}')?.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 2,
      total_tokens: 11,
    })
    expect(parseChatChunk('[DONE]')).toBeNull()
  })
})
