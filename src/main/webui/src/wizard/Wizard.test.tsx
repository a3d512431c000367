import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { fakeFetch, preflight, system, type Handler } from '../test/fixtures'

const routes: Handler = (method, url) => {
  if (url.pathname === '/api/v1/system') return { status: 200, body: system }
  if (url.pathname === '/api/v1/models/acme/missing')
    return { status: 404, body: { status: 'error', error: { code: 'MODEL_NOT_FOUND', message: 'acme/missing does not exist' } } }
  if (url.pathname === '/api/v1/models/acme/llama')
    return { status: 200, body: { ...preflight, model_id: 'acme/llama', supported: false, reason: 'Architecture LlamaForCausalLM is not implemented' } }
  if (url.pathname.startsWith('/api/v1/models/')) return { status: 200, body: preflight }
  if (method === 'POST' && url.pathname === '/api/v1/deploy')
    return { status: 202, body: { deployment_id: 'sentiment', status: 'initializing', progress: 0, websocket_url: '/api/v1/ws/sentiment', status_url: '' } }
  return undefined
}

let fetchMock: ReturnType<typeof fakeFetch>

beforeEach(() => {
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

describe('model step', () => {
  it('says what is wrong with an id as it is typed and keeps Next disabled', async () => {
    render(<App />)
    const input = screen.getByLabelText('Model id')
    await userEvent.type(input, 'gpt2')
    expect(screen.getByTestId('model-id-feedback')).toHaveTextContent('exactly one “/”')
    expect(input).toHaveAttribute('aria-invalid', 'true')
    await userEvent.clear(input)
    await userEvent.type(input, 'org/na..me')
    expect(screen.getByTestId('model-id-feedback')).toHaveTextContent('cannot contain “..”')
    expect(next()).toBeDisabled()
    // no preflight for an invalid id
    await new Promise((r) => setTimeout(r, 500))
    expect(fetchMock.calls.some((c) => c.url.pathname.startsWith('/api/v1/models/'))).toBe(false)
  })

  it('runs the preflight after typing stops and enables Next for a supported model', async () => {
    render(<App />)
    await userEvent.type(screen.getByLabelText('Model id'), preflight.model_id)
    expect(await screen.findByTestId('preflight-result')).toHaveTextContent('DistilBertForSequenceClassification')
    expect(screen.getByTestId('supported-badge')).toHaveTextContent('Supported')
    const lookups = fetchMock.calls.filter((c) => c.url.pathname.startsWith('/api/v1/models/'))
    expect(lookups).toHaveLength(1)
    expect(lookups[0].url.pathname + lookups[0].url.search).toBe(`/api/v1/models/${preflight.model_id}?revision=main`)
    await waitFor(() => expect(next()).toBeEnabled())
  })

  it('shows a not-found error with its code and what to do', async () => {
    render(<App />)
    await userEvent.type(screen.getByLabelText('Model id'), 'acme/missing')
    const error = await screen.findByTestId('preflight-error')
    expect(error).toHaveTextContent('MODEL_NOT_FOUND')
    expect(error).toHaveTextContent('acme/missing does not exist')
    expect(error).toHaveTextContent('HF_TOKEN')
    expect(next()).toBeDisabled()
  })

  it('explains an unsupported model and does not let it through', async () => {
    render(<App />)
    await userEvent.type(screen.getByLabelText('Model id'), 'acme/llama')
    expect(await screen.findByTestId('unsupported-reason')).toHaveTextContent('LlamaForCausalLM')
    expect(next()).toBeDisabled()
  })

  it('starts from ?model= (the dashboard\'s "Deploy again") and looks it up', async () => {
    window.history.pushState(null, '', `/deploy/model?model=${encodeURIComponent(preflight.model_id)}`)
    render(<App />)
    expect(screen.getByLabelText('Model id')).toHaveValue(preflight.model_id)
    expect(await screen.findByTestId('preflight-result')).toHaveAttribute('data-supported', 'true')
  })

  it('fills the id from a suggestion', async () => {
    render(<App />)
    await userEvent.click(screen.getByRole('button', { name: 'Named entities' }))
    await userEvent.click(screen.getByRole('button', { name: /dslim\/bert-base-NER/ }))
    expect(screen.getByLabelText('Model id')).toHaveValue('dslim/bert-base-NER')
  })
})

describe('the whole wizard', () => {
  it('walks the five steps, validates settings and deploys the exact request', async () => {
    render(<App />)
    await userEvent.type(screen.getByLabelText('Model id'), preflight.model_id)
    await waitFor(() => expect(next()).toBeEnabled())
    await userEvent.click(next())

    expect(screen.getByRole('heading', { name: 'Pick the hardware' })).toBeInTheDocument()
    await userEvent.click(screen.getByRole('radio', { name: /^CPU/ }))
    await userEvent.click(screen.getByRole('radio', { name: 'float16' }))
    await userEvent.click(next())

    expect(screen.getByTestId('file-table')).toHaveTextContent('tf_model.h5')
    expect(screen.getByTestId('file-table')).toHaveTextContent('TensorFlow weights are never used')
    expect(screen.getByTestId('download-total')).toHaveTextContent('268 MB')
    await userEvent.click(next())

    const id = screen.getByLabelText('Deployment id')
    expect(id).toHaveValue('distilbert-base-uncased-finetuned-sst-2-english')
    await userEvent.clear(id)
    await userEvent.type(id, 'Bad Id')
    expect(next()).toBeDisabled()
    await userEvent.clear(id)
    await userEvent.type(id, 'sentiment')
    const batch = screen.getByLabelText('Max batch size')
    await userEvent.clear(batch)
    await userEvent.type(batch, '99')
    expect(screen.getByText('A whole number from 1 to 16.')).toBeInTheDocument()
    expect(next()).toBeDisabled()
    await userEvent.clear(batch)
    await userEvent.type(batch, '8')
    await userEvent.click(next())

    expect(screen.getByTestId('summary-curl')).toHaveTextContent('"deployment_id": "sentiment"')
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

  it('does not open a later step before the model is chosen', async () => {
    window.history.pushState(null, '', '/deploy/summary')
    render(<App />)
    await waitFor(() => expect(window.location.pathname).toBe('/deploy/model'))
    expect(screen.getByRole('heading', { name: 'Choose a model' })).toBeInTheDocument()
  })
})
