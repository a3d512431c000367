const TONE: Record<string, string> = {
  completed: 'success',
  failed: 'danger',
  cancelled: 'muted',
  stopped: 'muted',
}

const LABEL: Record<string, string> = { completed: 'Ready' }

export function StatusBadge({ status }: { status: string }) {
  const tone = TONE[status] ?? 'accent'
  return (
    <span className={`badge badge-${tone}`} data-testid="status-badge" data-status={status}>
      {tone === 'accent' && <span className="pulse" aria-hidden="true" />}
      {LABEL[status] ?? status.charAt(0).toUpperCase() + status.slice(1)}
    </span>
  )
}
