import { describe, expect, it } from 'vitest'
import { deployment } from '../test/fixtures'
import { asSeenFromPage, examplesFromPage } from './urls'

const remote = { origin: 'http://gpu-box:8000', hostname: 'gpu-box' } as Location
const local = { origin: 'http://localhost:8000', hostname: 'localhost' } as Location

describe('URLs as seen from the page', () => {
  it('replaces a loopback host by the page host, keeping the port', () => {
    expect(asSeenFromPage('http://localhost:8101/predict', remote)).toBe('http://gpu-box:8101/predict')
    expect(asSeenFromPage('http://127.0.0.1:8101/predict', remote)).toBe('http://gpu-box:8101/predict')
    expect(asSeenFromPage('http://localhost:8101/predict', local)).toBe('http://localhost:8101/predict')
    expect(asSeenFromPage('http://models.example:8101/predict', remote)).toBe('http://models.example:8101/predict')
  })

  it('rewrites the usage examples to the page origin and the dedicated port on the page host', () => {
    const d = deployment({ deployment_id: 's', inference_url: '/api/v1/deployments/s/inference', endpoint: 'http://localhost:8101/predict' })
    const ex = examplesFromPage(
      {
        curl: "curl -s -X POST http://localhost:8101/predict -d '{}'",
        python: 'requests.post("http://10.0.0.5:8000/api/v1/deployments/s/inference", json={})',
        javascript: 'fetch("http://localhost:8000/api/v1/deployments/s/inference")',
      },
      d,
      remote,
    )
    expect(ex.curl).toContain('http://gpu-box:8101/predict')
    expect(ex.python).toContain('"http://gpu-box:8000/api/v1/deployments/s/inference"')
    expect(ex.javascript).toContain('"http://gpu-box:8000/api/v1/deployments/s/inference"')
  })
})
