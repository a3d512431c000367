import type { Device, Preflight } from '../api/types'
import { formatBytes } from '../lib/format'
import type { StepProps } from './stepProps'

export const DTYPES = [
  {
    value: 'auto',
    label: 'Auto',
    help: 'The checkpoint’s own precision where the device computes it fast (bfloat16 on GPUs and on CPUs with bfloat16 instructions; a float16 checkpoint runs as bfloat16 on such CPUs), else float32. The deployment says what it chose and why.',
  },
  { value: 'float32', label: 'float32', help: 'Full precision: the exact outputs of the original model; twice the memory of 16-bit.' },
  { value: 'bfloat16', label: 'bfloat16', help: 'Half the memory; about twice as fast as float32 on GPUs and on CPUs with avx512_bf16 or AMX, outputs within a few thousandths.' },
  { value: 'float16', label: 'float16', help: 'Half the memory; fast on GPUs, slow on most CPUs.' },
  {
    value: 'int8',
    label: 'int8',
    help: 'CPU only: linear layers quantized to 8 bits, about a third of float32’s memory and faster, but lossy (embedding cosine about 0.98 on MiniLM). The deployment measures and shows its own error; check it before relying on it.',
  },
]

/** Estimated weight memory for the chosen device kind and precision, from the preflight. */
export function estimatedMemory(preflight: Preflight | null | undefined, gpu: boolean, dtype: string): number {
  if (!preflight) return 0
  const byDtype = preflight.memory_by_dtype?.[gpu ? 'gpu' : 'cpu']
  return byDtype?.[dtype] ?? byDtype?.auto ?? preflight.estimated_memory_bytes
}

/** The device `auto` resolves to: the first GPU when there is one, else the CPU. */
export function resolveDevice(choice: string, devices: Device[]): Device | undefined {
  if (choice === 'auto') return devices.find((d) => d.type === 'gpu') ?? devices.find((d) => d.type === 'cpu')
  if (choice === 'gpu') return devices.find((d) => d.type === 'gpu')
  return devices.find((d) => d.id === choice)
}

export function HardwareStep({ state, update, system }: StepProps) {
  if (!system) return <div className="card card-quiet">Reading the server’s hardware…</div>
  const devices = system.devices
  const target = resolveDevice(state.device, devices)
  const isGpu = target?.type === 'gpu'
  const need = estimatedMemory(state.preflight, isGpu, state.dtype)
  const free = target?.free_memory_bytes ?? 0
  const share = free > 0 ? Math.min(1, need / free) : 1
  const tooBig = need > free
  const overLimit = need > system.limits.max_memory_per_model_gb * 1e9

  return (
    <div className="step-body">
      <fieldset className="fieldset">
        <legend>Device</legend>
        <div className="device-grid" role="radiogroup" aria-label="Device">
          {[{ id: 'auto' } as Device, ...devices].map((d) => {
            const selected = state.device === d.id
            const resolved = d.id === 'auto' ? resolveDevice('auto', devices) : d
            return (
              <label key={d.id} className={`device ${selected ? 'device-on' : ''}`} data-testid={`device-${d.id}`}>
                <input
                  type="radio"
                  name="device"
                  value={d.id}
                  checked={selected}
                  onChange={() => update((s) => ({ ...s, device: d.id }))}
                />
                <span className="device-title">
                  {d.id === 'auto' ? 'Automatic' : d.type === 'cpu' ? 'CPU' : `GPU ${d.id.replace(/^gpu:?/, '')}`}
                  <span className="mono device-id">{d.id}</span>
                </span>
                {d.id === 'auto' ? (
                  <span className="device-meta">Uses {resolved ? resolved.name : 'the best device'}.</span>
                ) : (
                  <span className="device-meta">
                    {d.name}
                    {d.cores ? ` · ${d.cores} cores` : ''}
                    <br />
                    {formatBytes(d.free_memory_bytes)} free of {formatBytes(d.memory_bytes)}
                  </span>
                )}
              </label>
            )
          })}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Precision</legend>
        <div className="segmented" role="radiogroup" aria-label="Precision">
          {DTYPES.map((t) => (
            <label key={t.value} className={`segment ${state.dtype === t.value ? 'segment-on' : ''}`}>
              <input
                type="radio"
                name="dtype"
                value={t.value}
                checked={state.dtype === t.value}
                onChange={() => update((s) => ({ ...s, dtype: t.value }))}
              />
              <span>{t.label}</span>
            </label>
          ))}
        </div>
        <p className="field-help">{DTYPES.find((t) => t.value === state.dtype)?.help}</p>
        {state.dtype === 'int8' && isGpu && (
          <p className="field-error" role="alert">int8 runs on the CPU only; choose the CPU or another precision.</p>
        )}
      </fieldset>

      <section className="card" aria-labelledby="mem-title" data-testid="memory-estimate">
        <h3 id="mem-title">Memory</h3>
        <p className="muted">
          The model needs about <strong data-testid="memory-need">{formatBytes(need)}</strong> on {target?.name ?? 'the device'}, which has{' '}
          <strong>{formatBytes(free)}</strong> free.
        </p>
        <div
          className={`meter ${tooBig || overLimit ? 'meter-danger' : share > 0.7 ? 'meter-warning' : ''}`}
          role="meter"
          aria-label="Share of free memory the model needs"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(share * 100)}
        >
          <div className="meter-fill" style={{ width: `${Math.max(2, share * 100)}%` }} />
        </div>
        {tooBig && <p className="field-error">This device does not have enough free memory for the model.</p>}
        {overLimit && (
          <p className="field-error">
            Above the per-model limit of {system.limits.max_memory_per_model_gb} GB (MAX_MEMORY_PER_MODEL_GB).
          </p>
        )}
        <dl className="facts facts-compact">
          <div>
            <dt>Engine</dt>
            <dd>
              {system.engine.name} {system.engine.version}
            </dd>
          </div>
          <div>
            <dt>Intra-op threads</dt>
            <dd>{system.limits.torch_num_threads > 0 ? system.limits.torch_num_threads : 'automatic'}</dd>
          </div>
          <div>
            <dt>Free disk</dt>
            <dd>{formatBytes(system.disk.free_bytes)}</dd>
          </div>
        </dl>
        <p className="field-help">Threads are set for the whole server with TORCH_NUM_THREADS in .env.</p>
      </section>
    </div>
  )
}
