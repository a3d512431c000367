import { describe, expect, it } from 'vitest'
import { deployCurl } from './curl'

const req = {
  model_id: "o/it's",
  revision: 'main',
  deployment_id: 'x',
  task: 'fill-mask',
  device: 'cpu',
  dtype: 'auto',
  max_batch_size: 4,
  max_batch_delay_ms: 0,
  dedicated_port: false,
}

describe('deployCurl', () => {
  it('posts the exact request body, shell-quoted', () => {
    const cmd = deployCurl('http://localhost:8000', req, false)
    expect(cmd).toContain('curl -X POST http://localhost:8000/api/v1/deploy')
    const quoted = cmd.slice(cmd.indexOf("-d '") + 4, cmd.lastIndexOf("'"))
    expect(JSON.parse(quoted.replace(/'\\''/g, "'"))).toEqual(req)
    expect(cmd).not.toContain('Authorization')
  })

  it('adds the bearer header when the server wants a key', () => {
    expect(deployCurl('http://h', req, true)).toContain('Authorization: Bearer $MODELPORT_API_KEY')
  })
})
