import { act, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ProgressEvent } from '../api/types'
import { ProgressView } from './ProgressView'
import { STAGES, stageAtProgress } from './stages'
import { reconnectDelayMs, useProgressSocket } from './useProgressSocket'

function event(over: Partial<ProgressEvent>): ProgressEvent {
  return {
    deployment_id: 'sentiment',
    status: 'initializing',
    progress: 0,
    timestamp: '2026-01-01T00:00:00Z',
    message: null,
    file: null,
    bytes_done: null,
    bytes_total: null,
    speed_bytes_per_s: null,
    eta_s: null,
    error: null,
    ...over,
  }
}

const PROGRESS: Record<string, number> = {
  initializing: 0,
  validating: 10,
  downloading: 34.5,
  loading: 55,
  creating: 60,
  starting: 75,
  completed: 100,
}

function view(e: ProgressEvent, furthest = STAGES.findIndex((s) => s.status === e.status)) {
  return render(<ProgressView deploymentId="sentiment" latest={e} log={[e]} furthest={furthest} connection="open" retryInS={null} />)
}

const states = () => STAGES.map((s) => screen.getByTestId(`stage-${s.status}`).dataset.state)

describe('ProgressView', () => {
  it.each(STAGES.map((s, i) => [s.status, i] as const))('renders stage %s as current with the earlier ones done', (status, i) => {
    view(event({ status: status as ProgressEvent['status'], progress: PROGRESS[status], message: `now ${status}` }))
    const expected = STAGES.map((_, j) => (status === 'completed' || j < i ? 'done' : j === i ? 'current' : 'pending'))
    expect(states()).toEqual(expected)
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', String(Math.round(PROGRESS[status])))
    expect(screen.getByTestId('progress-percent')).toHaveTextContent(`${Math.round(PROGRESS[status])} %`)
    expect(screen.getByTestId('progress-message')).toHaveTextContent(`now ${status}`)
    expect(screen.queryByTestId('progress-error')).toBeNull()
  })

  it('shows bytes, speed, time left and the file while downloading', () => {
    view(
      event({
        status: 'downloading',
        progress: 34.5,
        file: 'model.safetensors',
        bytes_done: 126_143_283,
        bytes_total: 281_018_761,
        speed_bytes_per_s: 52_000_000,
        eta_s: 3,
      }),
    )
    const stats = screen.getByTestId('download-stats')
    expect(stats).toHaveTextContent('126 MB of 281 MB')
    expect(stats).toHaveTextContent('52.0 MB/s')
    expect(stats).toHaveTextContent('3 s')
    expect(screen.getByTestId('current-file')).toHaveTextContent('model.safetensors')
  })

  it('shows a failure with its code, message and what to do, on the stage that was running', () => {
    view(
      event({
        status: 'failed',
        progress: 10,
        message: 'Deployment failed',
        error: { code: 'UNSUPPORTED_ARCHITECTURE', message: 'LlamaForCausalLM is not implemented' },
      }),
      1,
    )
    const alert = screen.getByTestId('progress-error')
    expect(within(alert).getByTestId('error-code')).toHaveTextContent('UNSUPPORTED_ARCHITECTURE')
    expect(alert).toHaveTextContent('LlamaForCausalLM is not implemented')
    expect(alert).toHaveTextContent('What to do: Modelport does not run this architecture yet')
    expect(states()).toEqual(['done', 'failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped'])
    expect(screen.getByTestId('stage-validating')).toHaveTextContent('Failed here')
    expect(screen.getByTestId('stage-completed')).toHaveTextContent('Not reached')
    expect(screen.queryByTestId('connection-state')).toBeNull()
  })

  it('places a failure seen only after the fact by its progress', () => {
    view(event({ status: 'failed', progress: 10, error: { code: 'MODEL_NOT_FOUND', message: 'no such model' } }), -1)
    expect(states()).toEqual(['done', 'failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped'])
    expect(screen.getByRole('heading')).toHaveTextContent('Deployment failed: sentiment')
  })

  it.each([
    [0, 0],
    [10, 1],
    [34.5, 2],
    [55, 3],
    [60, 4],
    [80, 5],
    [100, 6],
  ])('puts progress %d in stage %d', (p, i) => expect(stageAtProgress(p)).toBe(i))

  it('says when it lost the connection and when it retries', () => {
    render(
      <ProgressView deploymentId="x" latest={null} log={[]} furthest={-1} connection="reconnecting" retryInS={4} />,
    )
    expect(screen.getByTestId('connection-state')).toHaveTextContent('retrying in 4 s')
  })
})

class FakeSocket {
  static all: FakeSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  close() {
    this.closed = true
  }
  emit(e: ProgressEvent) {
    this.onmessage?.({ data: JSON.stringify(e) })
  }
}

function Probe({ id }: { id: string }) {
  const s = useProgressSocket(id, (url) => new FakeSocket(url) as unknown as WebSocket)
  return (
    <ProgressView deploymentId={id} latest={s.latest} log={s.log} furthest={s.furthest} connection={s.connection} retryInS={s.retryInS} />
  )
}

describe('useProgressSocket', () => {
  afterEach(() => {
    vi.useRealTimers()
    FakeSocket.all = []
  })

  it('backs off 1, 2, 4 ... up to 15 s', () => {
    expect([0, 1, 2, 3, 4, 5].map(reconnectDelayMs)).toEqual([1000, 2000, 4000, 8000, 15000, 15000])
  })

  it('reconnects after a drop, keeps the stages reached, and stops after a terminal event', () => {
    vi.useFakeTimers()
    render(<Probe id="sentiment" />)
    const first = FakeSocket.all[0]
    expect(first.url).toMatch(/^ws:\/\/[^/]+\/api\/v1\/ws\/sentiment\?history=true$/)
    act(() => {
      first.onopen?.()
      first.emit(event({ status: 'validating', progress: 10 }))
      first.emit(event({ status: 'downloading', progress: 20, timestamp: '2026-01-01T00:00:01Z' }))
      first.onclose?.()
    })
    expect(screen.getByTestId('connection-state')).toHaveTextContent('retrying in 1 s')
    act(() => vi.advanceTimersByTime(1000))
    expect(FakeSocket.all).toHaveLength(2)
    const second = FakeSocket.all[1]
    act(() => {
      second.onopen?.()
      // the server replays the deployment's history on connect
      second.emit(event({ status: 'validating', progress: 10 }))
      second.emit(event({ status: 'downloading', progress: 20, timestamp: '2026-01-01T00:00:01Z' }))
      second.emit(event({ status: 'completed', progress: 100, timestamp: '2026-01-01T00:00:02Z' }))
      second.onclose?.()
    })
    expect(states()).toEqual(STAGES.map(() => 'done'))
    expect(screen.getByTestId('progress-log').children).toHaveLength(3)
    act(() => vi.advanceTimersByTime(60_000))
    expect(FakeSocket.all).toHaveLength(2)
    expect(screen.queryByTestId('connection-state')).toBeNull()
    expect(screen.getByTestId('elapsed')).toHaveTextContent('took 0:02')
  })

  it('folds the download ticks of each file into one log line, stage changes one each', () => {
    const tick = (file: string, done: number, s: number) =>
      event({ status: 'downloading', progress: 15 + done / 10, file, bytes_done: done, bytes_total: 400, timestamp: `2026-01-01T00:00:0${s}Z` })
    const log = [
      event({ status: 'initializing' }),
      event({ status: 'validating', progress: 10 }),
      event({ status: 'downloading', progress: 15 }),
      tick('config.json', 10, 1),
      tick('model.safetensors', 100, 2),
      tick('model.safetensors', 200, 3),
      tick('model.safetensors', 300, 4),
    ]
    render(
      <ProgressView deploymentId="s" latest={log[log.length - 1]} log={log} furthest={2} connection="open" retryInS={null} now={() => Date.parse('2026-01-01T00:00:09Z')} />,
    )
    expect(screen.getAllByTestId('log-stage')).toHaveLength(3)
    const files = screen.getAllByTestId('log-file')
    expect(files.map((f) => f.dataset.file)).toEqual(['config.json', 'model.safetensors'])
    expect(files[1]).toHaveTextContent('3 updates')
    expect(screen.getByTestId('elapsed')).toHaveTextContent('elapsed 0:09')
    expect(screen.getAllByText(/%$/)).toHaveLength(1)
  })

  it('adds the stored API key as token', () => {
    localStorage.setItem('modelport.api_key', 'k 1')
    render(<Probe id="a" />)
    expect(FakeSocket.all[0].url).toMatch(/\/api\/v1\/ws\/a\?history=true&token=k%201$/)
  })
})
