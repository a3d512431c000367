import { useEffect, useRef, useState } from 'react'
import { ApiError } from '../api/client'
import type { Deployment } from '../api/types'
import { CopyButton } from '../components/CopyButton'
import { formatMs } from '../lib/format'
import { streamChat, streamGeneration, type ChatMessage, type GenerationOutcome } from './streamGeneration'

interface Sampling {
  maxTokens: number
  temperature: number
  topP: number
  stop: string
  seed: string
}

const DEFAULTS: Sampling = { maxTokens: 64, temperature: 0.7, topP: 0.95, stop: '', seed: '' }

/** Timing of one generation, measured here from the first byte of each token. */
interface Run {
  started: number
  firstToken: number | null
  lastToken: number | null
  tokens: number
  outcome: GenerationOutcome | null
}

const FINISH: Record<string, string> = {
  length: 'length — max tokens reached',
  eos_token: 'end of text — the model stopped',
  stop_sequence: 'stop sequence',
  stop: 'stop — end of text or a stop sequence',
}

function stopList(stop: string): string[] {
  return stop
    .split(',')
    .map((s) => s.replace(/\\n/g, '\n'))
    .filter((s) => s.length > 0)
}

/** Tokens per second after the first token (decode speed), or over the whole run for a single token. */
export function tokensPerSecond(run: Run, now: number): number | null {
  const tokens = run.outcome?.generatedTokens ?? run.tokens
  if (tokens <= 0 || run.firstToken == null) return null
  const end = run.lastToken ?? now
  if (tokens >= 2 && end > run.firstToken) return (tokens - 1) / ((end - run.firstToken) / 1000)
  return tokens / (Math.max(1, end - run.started) / 1000)
}

function Stats({ run, busy }: { run: Run; busy: boolean }) {
  const tokens = run.outcome?.generatedTokens ?? run.tokens
  const tps = tokensPerSecond(run, performance.now())
  const finish = run.outcome?.finishReason
  return (
    <dl className="gen-stats" data-testid="generation-stats" aria-live="off">
      <div>
        <dt>Tokens</dt>
        <dd data-testid="generated-tokens">{tokens}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd data-testid="tokens-per-second">{tps == null ? '—' : `${tps.toFixed(1)} tokens/s`}</dd>
      </div>
      <div>
        <dt>First token</dt>
        <dd>{run.firstToken == null ? '—' : formatMs(run.firstToken - run.started)}</dd>
      </div>
      {run.outcome?.promptTokens != null && (
        <div>
          <dt>Prompt</dt>
          <dd data-testid="prompt-tokens">{run.outcome.promptTokens} tokens</dd>
        </div>
      )}
      <div>
        <dt>Finish</dt>
        <dd data-testid="finish-reason" data-reason={finish ?? ''}>
          {busy ? 'generating…' : finish ? (FINISH[finish] ?? finish) : 'stopped'}
        </dd>
      </div>
    </dl>
  )
}

function SamplingControls({ value, onChange }: { value: Sampling; onChange: (s: Sampling) => void }) {
  const set = <K extends keyof Sampling>(k: K, v: Sampling[K]) => onChange({ ...value, [k]: v })
  return (
    <fieldset className="fieldset sampling" data-testid="sampling">
      <legend className="visually-hidden">Sampling</legend>
      <div className="field">
        <label htmlFor="gen-max">Max new tokens</label>
        <input
          id="gen-max"
          type="number"
          min={1}
          max={4096}
          className="input"
          value={Number.isNaN(value.maxTokens) ? '' : value.maxTokens}
          onChange={(e) => set('maxTokens', e.target.valueAsNumber)}
        />
      </div>
      <div className="field">
        <label htmlFor="gen-temp">
          Temperature <span className="mono muted">{value.temperature.toFixed(2)}</span>
        </label>
        <input
          id="gen-temp"
          type="range"
          min={0}
          max={2}
          step={0.05}
          value={value.temperature}
          aria-describedby="gen-temp-help"
          onChange={(e) => set('temperature', e.target.valueAsNumber)}
        />
        <p id="gen-temp-help" className="field-help">
          {value.temperature === 0 ? '0 = greedy: always the likeliest token.' : 'Higher is more varied.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="gen-top-p">
          Top-p <span className="mono muted">{value.topP.toFixed(2)}</span>
        </label>
        <input
          id="gen-top-p"
          type="range"
          min={0.05}
          max={1}
          step={0.05}
          value={value.topP}
          disabled={value.temperature === 0}
          onChange={(e) => set('topP', e.target.valueAsNumber)}
        />
      </div>
      <div className="field">
        <label htmlFor="gen-stop">Stop sequences</label>
        <input
          id="gen-stop"
          className="input mono"
          placeholder="comma-separated, \n for a newline"
          value={value.stop}
          onChange={(e) => set('stop', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="gen-seed">Seed</label>
        <input
          id="gen-seed"
          className="input"
          inputMode="numeric"
          placeholder="random"
          value={value.seed}
          onChange={(e) => set('seed', e.target.value.replace(/[^0-9]/g, ''))}
        />
      </div>
    </fieldset>
  )
}

function ErrorBox({ error }: { error: ApiError }) {
  return (
    <div className="callout callout-danger" role="alert" data-testid="inference-error">
      <p className="callout-title">
        Generation failed <code className="error-code">{error.code}</code>
      </p>
      <p>{error.message}</p>
    </div>
  )
}

/** Text generation: a prompt to complete, or (with a chat template) a conversation, streamed token by token. */
export function GenerationPanel({ deployment, onDone }: { deployment: Deployment; onDone: () => void }) {
  const chat = deployment.chat_template === true
  const [mode, setMode] = useState<'chat' | 'text'>(chat ? 'chat' : 'text')
  const [sampling, setSampling] = useState<Sampling>(DEFAULTS)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [run, setRun] = useState<Run | null>(null)
  const [, tick] = useState(0)
  const ctrl = useRef<AbortController | null>(null)

  const [prompt, setPrompt] = useState('Once upon a time,')
  const [output, setOutput] = useState('')
  const [system, setSystem] = useState('')
  const [messages, setMessages] = useState<ChatMessage[]>([])
  const [draft, setDraft] = useState('Hello! What can you do?')
  const transcript = useRef<HTMLOListElement>(null)

  useEffect(() => {
    transcript.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' })
  }, [messages])

  const valid = Number.isInteger(sampling.maxTokens) && sampling.maxTokens >= 1

  const start = () => {
    ctrl.current?.abort()
    const c = new AbortController()
    ctrl.current = c
    setBusy(true)
    setError(null)
    const r: Run = { started: performance.now(), firstToken: null, lastToken: null, tokens: 0, outcome: null }
    setRun(r)
    const onToken = () => {
      const now = performance.now()
      r.firstToken ??= now
      r.lastToken = now
      r.tokens++
      setRun({ ...r })
    }
    return { c, r, onToken }
  }

  const finish = async (r: Run, work: Promise<GenerationOutcome>) => {
    try {
      r.outcome = await work
    } catch (e) {
      if ((e as Error).name !== 'AbortError')
        setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL_ERROR', message: String(e) }))
    }
    setRun({ ...r })
    setBusy(false)
    tick((n) => n + 1)
    onDone()
  }

  const sample = sampling.temperature > 0
  const stops = stopList(sampling.stop)
  const seed = sampling.seed ? Number(sampling.seed) : undefined

  const complete = () => {
    const { c, r, onToken } = start()
    setOutput('')
    const parameters: Record<string, unknown> = { max_new_tokens: sampling.maxTokens, return_full_text: false, do_sample: sample }
    if (sample) Object.assign(parameters, { temperature: sampling.temperature, top_p: sampling.topP })
    if (stops.length) parameters.stop = stops
    if (seed != null) parameters.seed = seed
    finish(
      r,
      streamGeneration(
        deployment.deployment_id,
        { inputs: prompt, parameters, stream: true },
        (t) => {
          onToken()
          setOutput((o) => o + t)
        },
        c.signal,
      ),
    )
  }

  const send = () => {
    const text = draft.trim()
    if (!text) return
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }]
    setMessages([...history, { role: 'assistant', content: '' }])
    setDraft('')
    const { c, r, onToken } = start()
    const params: Record<string, unknown> = { max_tokens: sampling.maxTokens, temperature: sampling.temperature }
    if (sample) params.top_p = sampling.topP
    if (stops.length) params.stop = stops
    if (seed != null) params.seed = seed
    const sent = system.trim() ? [{ role: 'system' as const, content: system.trim() }, ...history] : history
    finish(
      r,
      streamChat(
        deployment.deployment_id,
        sent,
        params,
        (t) => {
          onToken()
          setMessages((m) => {
            const out = [...m]
            const last = out[out.length - 1]
            out[out.length - 1] = { ...last, content: last.content + t }
            return out
          })
        },
        c.signal,
      ),
    )
  }

  return (
    <div className="generation-panel" data-testid="generation-panel">
      {chat && (
        <div className="segmented" role="radiogroup" aria-label="Mode" data-testid="generation-mode">
          {(['chat', 'text'] as const).map((m) => (
            <label key={m} className={`segment ${mode === m ? 'segment-on' : ''}`}>
              <input type="radio" name="gen-mode" value={m} checked={mode === m} onChange={() => setMode(m)} disabled={busy} />
              <span>{m === 'chat' ? 'Chat' : 'Complete text'}</span>
            </label>
          ))}
        </div>
      )}
      {!chat && (
        <p className="field-help" data-testid="no-chat-template">
          This model’s tokenizer has no chat template, so it completes text (no chat mode, no /v1/chat/completions).
        </p>
      )}

      <div className="generation-grid">
        <div className="generation-main">
          {mode === 'text' ? (
            <form
              className="tryit-form"
              onSubmit={(e) => {
                e.preventDefault()
                if (valid) complete()
              }}
            >
              <div className="field">
                <label htmlFor="prompt">Prompt</label>
                <textarea id="prompt" className="input" rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} data-testid="tryit-prompt" />
              </div>
              <div className="actions">
                <button type="submit" className="btn btn-primary" disabled={busy || !valid} data-testid="run-inference">
                  {busy ? 'Generating…' : 'Generate'}
                </button>
                {busy && (
                  <button type="button" className="btn btn-ghost" onClick={() => ctrl.current?.abort()} data-testid="stop-generation">
                    Stop
                  </button>
                )}
              </div>
              {(output || busy) && (
                <div className="output-block">
                  <p className="generation" data-testid="generation-output">
                    <span className="muted">{prompt}</span>
                    {output}
                    {busy && <span className="caret" aria-hidden="true" />}
                  </p>
                  {!busy && <CopyButton text={output} label="Copy generated text" />}
                </div>
              )}
            </form>
          ) : (
            <form
              className="tryit-form chat"
              onSubmit={(e) => {
                e.preventDefault()
                if (valid && !busy) send()
              }}
            >
              <details className="small">
                <summary>System prompt</summary>
                <textarea
                  className="input"
                  rows={2}
                  aria-label="System prompt"
                  placeholder="Optional: how the assistant should behave"
                  value={system}
                  onChange={(e) => setSystem(e.target.value)}
                />
              </details>
              {messages.length > 0 && (
                <ol className="chat-log" ref={transcript} data-testid="chat-log" aria-live="polite">
                  {messages.map((m, i) => (
                    <li key={i} className={`chat-msg chat-${m.role}`} data-testid={`chat-${m.role}`}>
                      <span className="chat-role">{m.role === 'user' ? 'You' : 'Model'}</span>
                      <span className="chat-text">
                        {m.content}
                        {busy && i === messages.length - 1 && <span className="caret" aria-hidden="true" />}
                      </span>
                    </li>
                  ))}
                </ol>
              )}
              <div className="field">
                <label htmlFor="chat-input">Message</label>
                <textarea
                  id="chat-input"
                  className="input"
                  rows={2}
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                      e.preventDefault()
                      e.currentTarget.form?.requestSubmit()
                    }
                  }}
                  data-testid="chat-input"
                />
                <p className="field-help">Enter sends, Shift+Enter starts a new line. Rendered by the model’s chat template.</p>
              </div>
              <div className="actions">
                <button type="submit" className="btn btn-primary" disabled={busy || !valid || !draft.trim()} data-testid="send-chat">
                  {busy ? 'Answering…' : 'Send'}
                </button>
                {busy && (
                  <button type="button" className="btn btn-ghost" onClick={() => ctrl.current?.abort()}>
                    Stop
                  </button>
                )}
                {!busy && messages.length > 0 && (
                  <>
                    <CopyButton
                      text={messages.map((m) => `${m.role}: ${m.content}`).join('\n\n')}
                      label="Copy conversation"
                    />
                    <button type="button" className="btn btn-ghost" onClick={() => setMessages([])} data-testid="new-chat">
                      New chat
                    </button>
                  </>
                )}
              </div>
            </form>
          )}
          {error && <ErrorBox error={error} />}
          {run && <Stats run={run} busy={busy} />}
        </div>
        <SamplingControls value={sampling} onChange={setSampling} />
      </div>
    </div>
  )
}
