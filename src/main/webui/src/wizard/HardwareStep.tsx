import type { Device } from '../api/types'
import { formatBytes } from '../lib/format'
import type { StepProps } from './stepProps'

const DTYPES = [
  { value: 'auto', label: 'Auto', help: 'float32 on CPU, float16 on GPU.' },
  { value: 'float32', label: 'float32', help: 'Full precision; fastest on CPU.' },
  { value: 'float16', label: 'float16', help: 'Half the memory; slower on CPU, fast on GPU.' },
]

/** Bytes per parameter relative to float32, to scale the server's float32 estimate. */
const DTYPE_FACTOR: Record<string, number> = { auto: 1, float32: 1, float16: 0.5 }

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
  const factor = state.dtype === 'auto' && isGpu ? 0.5 : (DTYPE_FACTOR[state.dtype] ?? 1)
  const need = (state.preflight?.estimated_memory_bytes ?? 0) * factor
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
        <p className="field-help">{DTYPES.find((t) => t.value === state.dtype)?.help} bfloat16 weights are widened to float32 on load.</p>
      </fieldset>

      <section className="card" aria-labelledby="mem-title" data-testid="memory-estimate">
        <h3 id="mem-title">Memory</h3>
        <p className="muted">
          The model needs about <strong>{formatBytes(need)}</strong> on {target?.name ?? 'the device'}, which has{' '}
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
