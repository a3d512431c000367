import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import type { SystemInfo } from '../api/types'
import { preflight, system } from '../test/fixtures'
import { estimatedMemory, HardwareStep } from './HardwareStep'
import { INITIAL_STATE, type WizardState } from './state'

const byDtype = {
  cpu: { auto: 134e6, float32: 268e6, bfloat16: 134e6, float16: 134e6, int8: 84e6 },
  gpu: { auto: 134e6, float32: 268e6, bfloat16: 134e6, float16: 134e6 },
}

function Harness({ sys }: { sys: SystemInfo }) {
  const [state, setState] = useState<WizardState>({ ...INITIAL_STATE, preflight: { ...preflight, memory_by_dtype: byDtype } })
  return <HardwareStep state={state} update={(f) => setState(f)} system={sys} />
}

describe('the hardware step', () => {
  it('estimates memory for the chosen precision and device from the server’s figures', () => {
    const p = { ...preflight, memory_by_dtype: byDtype }
    expect(estimatedMemory(p, false, 'int8')).toBe(84e6)
    expect(estimatedMemory(p, true, 'float32')).toBe(268e6)
    // no int8 on a GPU: fall back to auto rather than to a CPU figure
    expect(estimatedMemory(p, true, 'int8')).toBe(134e6)
    // an older server without per-dtype figures
    expect(estimatedMemory(preflight, false, 'float16')).toBe(preflight.estimated_memory_bytes)
  })

  it('offers every precision the server computes and shows the estimate of the one picked', async () => {
    render(<Harness sys={system} />)
    const estimate = screen.getByTestId('memory-estimate')
    expect(estimate.textContent).toContain('134')
    await userEvent.click(screen.getByRole('radio', { name: 'int8' }))
    expect(estimate.textContent).toContain('84')
    expect(screen.getByText(/lossy/)).toBeTruthy()
    await userEvent.click(screen.getByRole('radio', { name: 'float32' }))
    expect(estimate.textContent).toContain('268')
  })

  it('says int8 is CPU only when a GPU is chosen', async () => {
    const withGpu: SystemInfo = {
      ...system,
      devices: [...system.devices, { id: 'gpu:0', type: 'gpu', name: 'Test GPU', memory_bytes: 80e9, free_memory_bytes: 79e9 }],
    }
    render(<Harness sys={withGpu} />)
    await userEvent.click(screen.getByRole('radio', { name: 'int8' }))
    await userEvent.click(screen.getByTestId('device-gpu:0').querySelector('input')!)
    expect(screen.getByRole('alert').textContent).toMatch(/CPU only/)
  })
})
