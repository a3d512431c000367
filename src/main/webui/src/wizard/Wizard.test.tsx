import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import type { HubModel } from '../api/types'
import { deployment, fakeFetch, preflight, system, type Handler } from '../test/fixtures'

function hubModel(id: string, over: Partial<HubModel> = {}): HubModel {
  return {
    model_id: id,
    task: 'text-classification',
    library_name: 'transformers',
    downloads: 1234,
    likes: 5,
    gated: false,
    architecture: 'DistilBertForSequenceClassification',
    download_bytes: 268e6,
    estimated_memory_bytes: 268e6,
    runs_here: true,
    reason: null,
    reason_code: null,
    ...over,
  }
}

const HUB = [
  hubModel(preflight.model_id),
  hubModel('acme/llama', { runs_here: false, reason: 'architecture XLNetLMHeadModel is not supported', reason_code: 'UNSUPPORTED_ARCHITECTURE' }),
  hubModel('dslim/bert-base-NER', { task: 'token-classification' }),
]

let deployments = [deployment({ deployment_id: 'taken', status: 'completed' })]

const routes: Handler = (method, url) => {
  if (url.pathname === '/api/v1/system') return { status: 200, body: system }
  if (url.pathname === '/api/v1/hub/models') {
    const words = (url.searchParams.get('search') ?? '').toLowerCase()
    const task = url.searchParams.get('task')
    const models = HUB.filter((m) => m.model_id.toLowerCase().includes(words) && (!task || m.task === task))
    return { status: 200, body: { search: words, task, sort: 'downloads', source: 'hub', offline: false, message: null, models } }
  }
  if (url.pathname === '/api/v1/deployments') return { status: 200, body: { deployments } }
  if (url.pathname === '/api/v1/models/acme/missing')
    return { status: 404, body: { status: 'error', error: { code: 'MODEL_NOT_FOUND', message: 'acme/missing does not exist' } } }
  if (url.pathname === '/api/v1/models/acme/llama')
    return {
      status: 200,
      body: {
        ...preflight,
        model_id: 'acme/llama',
        architecture: 'XLNetLMHeadModel',
        supported: false,
        reason: 'architecture XLNetLMHeadModel is not supported',
        reason_code: 'UNSUPPORTED_ARCHITECTURE',
      },
    }
  if (url.pathname.startsWith('/api/v1/models/'))
    return { status: 200, body: { ...preflight, model_id: decodeURIComponent(url.pathname.slice('/api/v1/models/'.length)) } }
  if (method === 'POST' && url.pathname === '/api/v1/deploy')
    return { status: 202, body: { deployment_id: 'sentiment', status: 'initializing', progress: 0, websocket_url: '/api/v1/ws/sentiment', status_url: '' } }
  return undefined
}

let fetchMock: ReturnType<typeof fakeFetch>

beforeEach(() => {
  sessionStorage.clear()
  deployments = [deployment({ deployment_id: 'taken', status: 'completed' })]
  fetchMock = fakeFetch(routes)
  vi.stubGlobal('fetch', fetchMock.fn)
  // the progress page opens a socket after Deploy; this one never connects
  vi.stubGlobal(
    'WebSocket',
    class {
      close() {}
    },
  )
  window.history.pushState(null, '', '/deploy/model')
})
afterEach(() => vi.unstubAllGlobals())

const next = () => screen.getByTestId('wizard-next')
const field = () => screen.getByRole('combobox', { name: 'Model' })
const preflights = () => fetchMock.calls.filter((c) => c.url.pathname.startsWith('/api/v1/models/'))

describe('model step', () => {
  it('searches the Hub as words are typed and lists matches with a runs-here badge', async () => {
    render(<App />)
    await userEvent.type(field(), 'acme')
    await waitFor(() => expect(screen.getAllByTestId('hub-result')).toHaveLength(1))
    expect(screen.getByTestId('hub-result')).toHaveTextContent('acme/llama')
    expect(screen.getByTestId('runs-here')).toHaveTextContent('Won’t run here')
    expect(screen.getByTestId('hub-result')).toHaveTextContent('XLNetLMHeadModel is not supported')
    expect(preflights()).toHaveLength(0)
  })

  it('checks a typed id once the Hub lists it, and Enter then goes to the next step', async () => {
    render(<App />)
    await userEvent.type(field(), preflight.model_id)
    expect(await screen.findByTestId('preflight-result')).toHaveTextContent('DistilBertForSequenceClassification')
    expect(screen.getByTestId('supported-badge')).toHaveTextContent('Runs here')
    expect(preflights()).toHaveLength(1)
    expect(preflights()[0].url.pathname + preflights()[0].url.search).toBe(`/api/v1/models/${preflight.model_id}?revision=main`)
    await waitFor(() => expect(next()).toBeEnabled())
    await userEvent.type(field(), '{Enter}')
    expect(await screen.findByRole('heading', { name: 'Pick the hardware' })).toHaveFocus()
    expect(screen.getByTestId('step-announcement')).toHaveTextContent('Step 2 of 5: Pick the hardware')
  })

  it('never reports a half-typed id as missing; Enter looks it up on purpose', async () => {
    render(<App />)
    await userEvent.type(field(), 'acme/missing')
    await waitFor(() => expect(screen.getByTestId('model-id-feedback')).toHaveTextContent('No model named “acme/missing” on the Hub yet'))
    expect(screen.queryByTestId('preflight-error')).toBeNull()
    expect(preflights()).toHaveLength(0)
    await userEvent.type(field(), '{Enter}')
    const error = await screen.findByTestId('preflight-error')
    expect(error).toHaveTextContent('MODEL_NOT_FOUND')
    expect(error).toHaveTextContent('HF_TOKEN')
    expect(next()).toBeDisabled()
  })

  it('takes a pasted huggingface.co link as its id', async () => {
    render(<App />)
    await userEvent.click(field())
    await userEvent.paste(`https://huggingface.co/${preflight.model_id}`)
    expect(field()).toHaveValue(preflight.model_id)
    expect(await screen.findByTestId('preflight-result')).toHaveAttribute('data-supported', 'true')
  })

  it('says what is wrong with a malformed id without a lookup', async () => {
    render(<App />)
    await userEvent.type(field(), 'org/na..me')
    expect(screen.getByTestId('model-id-feedback')).toHaveTextContent('cannot contain “..”')
    expect(next()).toBeDisabled()
    await new Promise((r) => setTimeout(r, 500))
    expect(preflights()).toHaveLength(0)
  })

  it('names an unsupported architecture and what runs instead', async () => {
    render(<App />)
    await userEvent.type(field(), 'acme/llama')
    const reason = await screen.findByTestId('unsupported-reason')
    expect(screen.getByTestId('preflight-architecture')).toHaveTextContent('XLNetLMHeadModel')
    expect(reason).toHaveTextContent('XLNetLMHeadModel is not supported')
    expect(screen.getByTestId('supported-types')).toHaveTextContent('llama, mistral, qwen2, roberta and xlm-roberta')
    expect(next()).toBeDisabled()
  })

  it('picks a match with the arrow keys and Enter', async () => {
    render(<App />)
    await userEvent.type(field(), 'bert-base-NER')
    await waitFor(() => expect(screen.getAllByTestId('hub-result')).toHaveLength(1))
    await userEvent.type(field(), '{ArrowDown}{Enter}')
    expect(field()).toHaveValue('dslim/bert-base-NER')
    expect(await screen.findByTestId('preflight-result')).toBeInTheDocument()
  })

  it('starts from ?model= and looks it up at once', async () => {
    window.history.pushState(null, '', `/deploy/model?model=${encodeURIComponent(preflight.model_id)}`)
    render(<App />)
    expect(field()).toHaveValue(preflight.model_id)
    expect(await screen.findByTestId('preflight-result')).toHaveAttribute('data-supported', 'true')
  })
})

describe('the whole wizard', () => {
  it('walks the five steps, validates settings where they are typed and deploys the exact request', async () => {
    render(<App />)
    await userEvent.type(field(), preflight.model_id)
    await waitFor(() => expect(next()).toBeEnabled())
    await userEvent.click(next())

    expect(screen.getByRole('heading', { name: 'Pick the hardware' })).toHaveFocus()
    await userEvent.click(screen.getByRole('radio', { name: /^CPU/ }))
    await userEvent.click(screen.getByRole('radio', { name: 'float16' }))
    const memory = screen.getByTestId('memory-need').textContent
    await userEvent.click(next())

    expect(screen.getByTestId('file-table')).toHaveTextContent('tf_model.h5')
    expect(screen.getByTestId('file-table')).toHaveTextContent('TensorFlow weights are never used')
    expect(screen.getByTestId('download-total')).toHaveTextContent('268 MB')
    expect(screen.getByText('2 files')).toBeInTheDocument()
    expect(screen.getByText('1 file')).toBeInTheDocument()
    await userEvent.click(next())

    const id = screen.getByLabelText('Deployment id')
    expect(id).toHaveValue('distilbert-base-uncased-finetuned-sst-2-english')
    await userEvent.clear(id)
    await userEvent.type(id, 'Bad Id')
    expect(next()).toBeDisabled()
    await userEvent.clear(id)
    await userEvent.type(id, 'taken')
    expect(screen.getByTestId('deployment-id-taken')).toHaveTextContent('already used by the running deployment')
    expect(next()).toBeDisabled()
    await userEvent.click(screen.getByRole('button', { name: 'use taken-2' }))
    expect(id).toHaveValue('taken-2')
    await userEvent.clear(id)
    await userEvent.type(id, 'sentiment')
    const batch = screen.getByLabelText('Max batch size')
    await userEvent.clear(batch)
    await userEvent.type(batch, '99')
    expect(screen.getByText('A whole number from 1 to 16.')).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await userEvent.clear(batch)
    await userEvent.type(batch, '8{Enter}')

    expect(screen.getByTestId('summary-curl')).toHaveTextContent('"deployment_id": "sentiment"')
    expect(screen.getByTestId('summary-memory').textContent).toBe(memory)
    await userEvent.click(screen.getByTestId('deploy-button'))
    await waitFor(() => expect(window.location.pathname).toBe('/deployments/sentiment/progress'))
    const post = fetchMock.calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({
      model_id: preflight.model_id,
      revision: 'main',
      deployment_id: 'sentiment',
      task: 'text-classification',
      device: 'cpu',
      dtype: 'float16',
      max_batch_size: 8,
      max_batch_delay_ms: 5,
      dedicated_port: true,
    })
  })

  it('proposes Embeddings for a sentence-transformers model and skips ids in use', async () => {
    deployments = [deployment({ deployment_id: 'all-minilm-l6-v2', status: 'completed' })]
    fetchMock = fakeFetch((m, url, b) =>
      url.pathname.startsWith('/api/v1/models/')
        ? {
            status: 200,
            body: {
              ...preflight,
              model_id: 'sentence-transformers/all-MiniLM-L6-v2',
              task: 'sentence-similarity',
              pipeline_tag: 'sentence-similarity',
              available_tasks: ['feature-extraction', 'sentence-similarity'],
            },
          }
        : routes(m, url, b),
    )
    vi.stubGlobal('fetch', fetchMock.fn)
    window.history.pushState(null, '', '/deploy/model?model=sentence-transformers/all-MiniLM-L6-v2')
    render(<App />)
    await waitFor(() => expect(next()).toBeEnabled())
    await userEvent.click(next())
    await userEvent.click(next())
    await userEvent.click(next())
    expect(screen.getByLabelText('Task')).toHaveValue('feature-extraction')
    expect(screen.getByTestId('task-help')).toHaveTextContent('Embeddings: one vector per text')
    await waitFor(() => expect(screen.getByLabelText('Deployment id')).toHaveValue('all-minilm-l6-v2-2'))
  })

  it('does not open a later step before the model is chosen', async () => {
    window.history.pushState(null, '', '/deploy/summary')
    render(<App />)
    await waitFor(() => expect(window.location.pathname).toBe('/deploy/model'))
    expect(screen.getByRole('heading', { name: 'Choose a model' })).toBeInTheDocument()
  })
})
