import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deployment, fakeFetch } from '../test/fixtures'
import { ClassificationResult, EntitiesResult, FillMaskResult, QaResult, SimilarityResult } from './results'
import { maskToken, TryItPanel } from './TryItPanel'

afterEach(() => vi.unstubAllGlobals())

const widths = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>('.score-bar > span')].map((s) => s.style.width)

describe('result views', () => {
  it('draws classification scores as bars, best first', () => {
    render(<ClassificationResult result={[{ label: 'NEGATIVE', score: 0.25 }, { label: 'POSITIVE', score: 0.75 }]} />)
    const list = screen.getByTestId('classification-result')
    expect([...list.querySelectorAll('.score-label')].map((e) => e.textContent)).toEqual(['POSITIVE', 'NEGATIVE'])
    expect(widths(list)).toEqual(['75%', '25%'])
  })

  it('marks entity spans in the text by character offsets', () => {
    const text = 'My name is Clara and I live in Berkeley.'
    render(
      <EntitiesResult
        text={text}
        entities={[
          { entity_group: 'LOC', score: 0.99, word: 'Berkeley', start: 31, end: 39 },
          { entity: 'B-PER', score: 0.98, word: 'Clara', start: 11, end: 16 },
        ]}
      />,
    )
    const marks = screen.getAllByTestId('entity')
    expect(marks.map((m) => [m.dataset.entity, m.firstChild?.textContent])).toEqual([
      ['PER', 'Clara'],
      ['LOC', 'Berkeley'],
    ])
    expect(screen.getByTestId('entities-result').querySelector('.entity-text')?.textContent).toBe(
      'My name is ClaraPER and I live in BerkeleyLOC.',
    )
  })

  it('counts entity offsets in code points, as the API does: an emoji is one character', () => {
    const text = '🙂 Paris and Marie'
    render(
      <EntitiesResult
        text={text}
        entities={[{ entity_group: 'PER', score: 0.9, word: 'marie', start: 12, end: 17 }]}
      />,
    )
    expect(screen.getByTestId('entity').firstChild?.textContent).toBe('Marie')
    expect(screen.getByTestId('entities-result').querySelector('.entity-text')?.textContent).toBe(
      '🙂 Paris and MariePER',
    )
  })

  it('ranks fill-mask tokens', () => {
    render(
      <FillMaskResult
        result={[
          { score: 0.6, token: 3007, token_str: 'capital', sequence: 'paris is the capital of france.' },
          { score: 0.1, token: 2103, token_str: 'city', sequence: 'paris is the city of france.' },
        ]}
      />,
    )
    const items = within(screen.getByTestId('fill-mask-result')).getAllByRole('listitem')
    expect(items[0]).toHaveTextContent('1capitalparis is the capital of france.')
    expect(items[1]).toHaveTextContent('2city')
  })

  it('highlights the QA answer inside the context', () => {
    const context = 'My name is Wolfgang and I live in Berlin.'
    render(<QaResult context={context} result={{ answer: 'Berlin', score: 0.97, start: 34, end: 40 }} />)
    expect(screen.getByTestId('qa-answer')).toHaveTextContent('Berlin')
    expect(screen.getByTestId('qa-result').querySelector('mark.answer')?.textContent).toBe('Berlin')
  })

  it('highlights the QA answer after an emoji by code-point offsets', () => {
    const context = '🙂 Élodie lives in Zürich near the lake.'
    render(<QaResult context={context} result={{ answer: 'Élodie lives in Zürich', score: 0.25, start: 2, end: 24 }} />)
    expect(screen.getByTestId('qa-result').querySelector('mark.answer')?.textContent).toBe('Élodie lives in Zürich')
    expect(screen.getByTestId('qa-result').querySelector('.qa-context')?.textContent).toBe(context)
  })

  it('sorts sentence similarities and pairs each score with its sentence', () => {
    render(<SimilarityResult sentences={['a horse', 'bread']} scores={[0.1, 0.8]} />)
    const list = screen.getByTestId('similarity-result')
    expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['bread0.8000', 'a horse0.1000'])
  })

  it('uses the mask token of the model family', () => {
    expect(maskToken('RobertaForMaskedLM')).toBe('<mask>')
    expect(maskToken('BertForMaskedLM')).toBe('[MASK]')
  })
})

describe('TryItPanel', () => {
  it('sends the text to the inference endpoint and shows scores and time', async () => {
    const fetchMock = fakeFetch((method, url) =>
      method === 'POST' && url.pathname === '/api/v1/deployments/sentiment/inference'
        ? { status: 200, body: { status: 'success', result: [{ label: 'POSITIVE', score: 0.9 }], deployment_id: 'sentiment', inference_time_ms: 12.4 } }
        : undefined,
    )
    vi.stubGlobal('fetch', fetchMock.fn)
    const onDone = vi.fn()
    render(<TryItPanel deployment={deployment()} onDone={onDone} />)
    const text = screen.getByLabelText('Text')
    await userEvent.clear(text)
    await userEvent.type(text, 'great')
    await userEvent.click(screen.getByRole('button', { name: 'Run' }))
    expect(await screen.findByTestId('classification-result')).toHaveTextContent('POSITIVE')
    expect(screen.getByTestId('inference-time')).toHaveTextContent('12.4 ms')
    expect(fetchMock.calls[0].body).toEqual({ inputs: 'great', parameters: { top_k: null } })
    expect(onDone).toHaveBeenCalled()
  })

  it('summarizes, translates or rewrites a text and shows the model\'s text', async () => {
    const fetchMock = fakeFetch((method, url) =>
      method === 'POST' && url.pathname === '/api/v1/deployments/bart-cnn/inference'
        ? { status: 200, body: { status: 'success', result: [{ summary_text: 'A tall tower.' }], deployment_id: 'bart-cnn', inference_time_ms: 80 } }
        : undefined,
    )
    vi.stubGlobal('fetch', fetchMock.fn)
    render(<TryItPanel deployment={deployment({ task: 'summarization', deployment_id: 'bart-cnn' })} onDone={() => {}} />)
    expect(screen.getByText('Summarization')).toBeInTheDocument()
    const text = screen.getByLabelText('Article')
    await userEvent.clear(text)
    await userEvent.type(text, 'The tower is tall.')
    await userEvent.click(screen.getByRole('button', { name: 'Run' }))
    expect(await screen.findByTestId('text2text-result')).toHaveTextContent('A tall tower.')
    expect(fetchMock.calls[0].body).toEqual({ inputs: 'The tower is tall.', parameters: { max_new_tokens: 64 } })
  })

  it('shows an inference error with its code', async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch(() => ({ status: 409, body: { status: 'error', error: { code: 'DEPLOYMENT_NOT_READY', message: 'still loading' } } })).fn,
    )
    render(<TryItPanel deployment={deployment()} onDone={() => {}} />)
    await userEvent.click(screen.getByRole('button', { name: 'Run' }))
    expect(await screen.findByTestId('inference-error')).toHaveTextContent('DEPLOYMENT_NOT_READY')
  })

  it('streams generated tokens with the sampling settings, and shows counts, speed and finish reason', async () => {
    const encoder = new TextEncoder()
    let push!: (s: string) => void
    let end!: () => void
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        push = (s) => c.enqueue(encoder.encode(s))
        end = () => c.close()
      },
    })
    let sent: unknown
    vi.stubGlobal('fetch', async (_: string, init: RequestInit) => {
      sent = JSON.parse(String(init.body))
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } })
    })
    render(<TryItPanel deployment={deployment({ task: 'text-generation', deployment_id: 'gpt2', chat_template: false })} onDone={() => {}} />)
    expect(screen.getByTestId('no-chat-template')).toBeInTheDocument()
    const prompt = screen.getByLabelText('Prompt')
    await userEvent.clear(prompt)
    await userEvent.type(prompt, 'Hello')
    const max = screen.getByLabelText('Max new tokens')
    await userEvent.clear(max)
    await userEvent.type(max, '3')
    await userEvent.type(screen.getByLabelText('Stop sequences'), '###,\\n')
    await userEvent.type(screen.getByLabelText('Seed'), '7')
    await userEvent.click(screen.getByRole('button', { name: 'Generate' }))
    push('data: {"token": {"text": " big"}, "generated_text": null, "details": null}\n\n')
    expect(await screen.findByTestId('generation-output')).toHaveTextContent('Hello big')
    push(
      'data: {"token": {"text": " world"}, "generated_text": null, "details": null}\n\n' +
        'data: {"token": {"text": "!"}, "generated_text": " big world!", "details": {"finish_reason": "length", "generated_tokens": 3, "prompt_tokens": 1}}\n\n',
    )
    end()
    await screen.findByRole('button', { name: 'Generate' })
    expect(screen.getByTestId('generation-output')).toHaveTextContent('Hello big world!')
    expect(screen.getByTestId('generated-tokens')).toHaveTextContent('3')
    expect(screen.getByTestId('prompt-tokens')).toHaveTextContent('1 tokens')
    expect(screen.getByTestId('finish-reason')).toHaveAttribute('data-reason', 'length')
    expect(screen.getByTestId('tokens-per-second')).toHaveTextContent('tokens/s')
    expect(sent).toEqual({
      inputs: 'Hello',
      parameters: { max_new_tokens: 3, return_full_text: false, do_sample: true, temperature: 0.7, top_p: 0.95, stop: ['###', '\n'], seed: 7 },
      stream: true,
    })
  })

  it('chats through /v1/chat/completions when the model has a chat template', async () => {
    const calls: { url: string; body: Record<string, unknown> }[] = []
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) })
      const chunks = [
        '{"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}',
        '{"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": null}]}',
        '{"choices": [{"index": 0, "delta": {"content": " there"}, "finish_reason": "stop"}]}',
        '{"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}}',
        '[DONE]',
      ]
      return new Response(chunks.map((c) => `data: ${c}\n\n`).join(''), { headers: { 'Content-Type': 'text/event-stream' } })
    })
    render(<TryItPanel deployment={deployment({ task: 'text-generation', deployment_id: 'chatty', chat_template: true })} onDone={() => {}} />)
    expect(screen.getByRole('radio', { name: 'Chat' })).toBeChecked()
    const input = screen.getByLabelText('Message')
    await userEvent.clear(input)
    await userEvent.type(input, 'Hello{Enter}')
    await screen.findByRole('button', { name: 'Send' })
    expect(await screen.findByTestId('chat-assistant')).toHaveTextContent('Hi there')
    expect(screen.getByTestId('chat-user')).toHaveTextContent('Hello')
    expect(screen.getByTestId('generated-tokens')).toHaveTextContent('2')
    expect(screen.getByTestId('prompt-tokens')).toHaveTextContent('12 tokens')
    expect(screen.getByTestId('finish-reason')).toHaveAttribute('data-reason', 'stop')
    expect(calls[0].url).toBe('/v1/chat/completions')
    expect(calls[0].body).toMatchObject({
      model: 'chatty',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
      stream_options: { include_usage: true },
    })
  })
})
