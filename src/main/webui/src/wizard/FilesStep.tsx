import type { Preflight, SystemInfo } from '../api/types'
import { formatBytes, plural } from '../lib/format'
import type { StepProps } from './stepProps'

/** Warnings the server sends plus the ones that follow from its limits. */
export function dependencyWarnings(p: Preflight, system: SystemInfo | null): string[] {
  const out = [...p.warnings]
  if (!p.has_tokenizer) out.push('The repository has no tokenizer files; text inputs cannot be tokenized.')
  if (p.gated) out.push('The model is gated: HF_TOKEN must belong to an account that accepted its terms.')
  if (system) {
    if (p.download_bytes > system.limits.max_model_size_gb * 1e9)
      out.push(`The download exceeds MAX_MODEL_SIZE_GB (${system.limits.max_model_size_gb} GB).`)
    if (p.download_bytes > system.disk.free_bytes)
      out.push(`Not enough free disk: ${formatBytes(system.disk.free_bytes)} free at ${system.disk.path}.`)
  }
  return [...new Set(out)]
}

export function FilesStep({ state, system }: StepProps) {
  const p = state.preflight!
  const fetched = p.files.filter((f) => f.selected)
  const skipped = p.files.filter((f) => !f.selected)
  const skippedBytes = skipped.reduce((n, f) => n + f.size, 0)
  const warnings = dependencyWarnings(p, system)

  return (
    <div className="step-body">
      <div className="stat-row">
        <div className="stat">
          <span className="stat-label">To download</span>
          <span className="stat-value" data-testid="download-total">
            {formatBytes(p.download_bytes)}
          </span>
          <span className="stat-note">{plural(fetched.length, 'file')}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Skipped</span>
          <span className="stat-value">{formatBytes(skippedBytes)}</span>
          <span className="stat-note">{plural(skipped.length, 'file')}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Tokenizer</span>
          <span className={`stat-value ${p.has_tokenizer ? 'ok' : 'bad'}`}>{p.has_tokenizer ? 'Included' : 'Missing'}</span>
          <span className="stat-note">Hugging Face tokenizers (Rust)</span>
        </div>
        <div className="stat">
          <span className="stat-label">Engine</span>
          <span className="stat-value">{system ? `${system.engine.name}` : '—'}</span>
          <span className="stat-note">{system ? `version ${system.engine.version} via DJL` : ''}</span>
        </div>
      </div>

      {warnings.length > 0 && (
        <div className="callout callout-warning" data-testid="dependency-warnings">
          <p className="callout-title">Check before deploying</p>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}

      <div className="table-wrap">
        <table className="table table-stack table-files" data-testid="file-table">
          <caption className="visually-hidden">Files of {p.model_id}</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {[...fetched, ...skipped].map((f) => (
              <tr key={f.path} className={f.selected ? '' : 'row-muted'} data-testid="file-row" data-selected={f.selected}>
                <td className="mono file-path">{f.path}</td>
                <td className="num" data-label="Size">{formatBytes(f.size)}</td>
                <td data-label="Action">
                  {f.selected ? (
                    <span className="badge badge-success">Fetch</span>
                  ) : (
                    <span className="skip">
                      <span className="badge badge-muted">Skip</span> <span className="muted">{f.reason ?? 'Not needed'}</span>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
