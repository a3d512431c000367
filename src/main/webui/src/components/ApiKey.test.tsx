import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../App'
import { fakeFetch, system } from '../test/fixtures'

describe('API key', () => {
  let calls: ReturnType<typeof fakeFetch>['calls']
  let headers: (Headers | undefined)[]

  beforeEach(() => {
    // jsdom has no <dialog> methods
    HTMLDialogElement.prototype.showModal = function () {
      this.setAttribute('open', '')
    }
    HTMLDialogElement.prototype.close = function () {
      this.removeAttribute('open')
      this.dispatchEvent(new Event('close'))
    }
    const fake = fakeFetch((_, url) =>
      url.pathname === '/api/v1/system'
        ? { status: 200, body: { ...system, api_key_required: true } }
        : url.pathname === '/api/v1/deployments'
          ? { status: 200, body: { deployments: [] } }
          : undefined,
    )
    calls = fake.calls
    headers = []
    vi.stubGlobal('fetch', (input: RequestInfo, init?: RequestInit) => {
      headers.push(new Headers(init?.headers))
      return fake.fn(input, init)
    })
    window.history.pushState(null, '', '/deployments')
  })
  afterEach(() => vi.unstubAllGlobals())

  it('asks for the key when the server requires one, keeps it, and sends it as a bearer token', async () => {
    render(<App />)
    const dialog = await screen.findByTestId('api-key-dialog')
    await waitFor(() => expect(dialog).toHaveAttribute('open'))
    await userEvent.type(screen.getByLabelText('Key'), 'secret-1')
    await userEvent.click(screen.getByRole('button', { name: 'Save key' }))
    expect(localStorage.getItem('modelport.api_key')).toBe('secret-1')
    await waitFor(() => expect(headers.some((h) => h?.get('Authorization') === 'Bearer secret-1')).toBe(true))
    expect(calls.length).toBeGreaterThan(1)
    expect(screen.getByRole('button', { name: 'API key ✓' })).toBeInTheDocument()
  })
})
