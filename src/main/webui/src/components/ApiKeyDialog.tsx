import { useEffect, useRef, useState } from 'react'
import { getApiKey, setApiKey } from '../api/client'

/** Asks for the API key the server requires; the key stays in this browser's localStorage. */
export function ApiKeyDialog({ open, onClose, rejected }: { open: boolean; onClose: () => void; rejected: boolean }) {
  const ref = useRef<HTMLDialogElement>(null)
  const [value, setValue] = useState(getApiKey())

  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal?.()
    if (!open && d.open) d.close?.()
  }, [open])

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="key-title" onClose={onClose} data-testid="api-key-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          setApiKey(value.trim())
          // closing fires the dialog's close event, which reports to onClose once
          ref.current?.close()
        }}
      >
        <h2 id="key-title">API key</h2>
        <p className="muted">
          This server requires an API key (API_KEY_ENABLED). It is kept in this browser only and sent as{' '}
          <code>Authorization: Bearer</code>.
        </p>
        {rejected && <p className="field-error">The server rejected the current key.</p>}
        <div className="field">
          <label htmlFor="api-key">Key</label>
          <input id="api-key" className="input mono" type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="actions">
          <button type="button" className="btn btn-ghost" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary">
            Save key
          </button>
        </div>
      </form>
    </dialog>
  )
}
