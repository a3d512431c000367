import { useEffect, useState } from 'react'
import { api, ApiError, getApiKey } from './api/client'
import type { SystemInfo } from './api/types'
import { ApiKeyDialog } from './components/ApiKeyDialog'
import { DeploymentDetail } from './deployments/DeploymentDetail'
import { DeploymentsPage, Link } from './deployments/DeploymentsPage'
import { navigate, usePath } from './lib/router'
import { ProgressPage } from './progress/ProgressPage'
import { STEPS, type StepPath } from './wizard/state'
import { Wizard } from './wizard/Wizard'

type Route =
  | { page: 'wizard'; step: StepPath }
  | { page: 'list' }
  | { page: 'detail'; id: string }
  | { page: 'progress'; id: string }
  | { page: 'redirect'; to: string }

export function route(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts[0] === 'deploy') {
    const step = STEPS.find((s) => s.path === parts[1])
    return step ? { page: 'wizard', step: step.path } : { page: 'redirect', to: '/deploy/model' }
  }
  if (parts[0] === 'deployments') {
    if (parts.length === 1) return { page: 'list' }
    if (parts.length === 2) return { page: 'detail', id: parts[1] }
    if (parts.length === 3 && parts[2] === 'progress') return { page: 'progress', id: parts[1] }
  }
  return { page: 'redirect', to: '/deployments' }
}

export function App() {
  const path = usePath()
  const r = route(path)
  const [system, setSystem] = useState<SystemInfo | null>(null)
  const [systemError, setSystemError] = useState<ApiError | null>(null)
  const [keyOpen, setKeyOpen] = useState(false)
  const [keyVersion, setKeyVersion] = useState(0)

  useEffect(() => {
    const ctrl = new AbortController()
    api
      .system(ctrl.signal)
      .then((s) => {
        setSystem(s)
        setSystemError(null)
        if (s.api_key_required && !getApiKey()) setKeyOpen(true)
      })
      .catch((e) => {
        if ((e as Error).name === 'AbortError') return
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setKeyOpen(true)
        setSystemError(e instanceof ApiError ? e : null)
      })
    return () => ctrl.abort()
  }, [keyVersion])

  useEffect(() => {
    if (r.page === 'redirect') navigate(r.to, true)
  }, [r])

  const section = r.page === 'wizard' ? 'deploy' : 'deployments'

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link href="/deployments" className="brand" aria-label="Modelport home">
            <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
              <rect width="32" height="32" rx="8" fill="var(--accent)" />
              <path d="M9 22V10l7 7 7-7v12" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
            <span>Modelport</span>
          </Link>
          <nav aria-label="Main" className="mainnav">
            <Link href="/deploy/model" aria-current={section === 'deploy' ? 'page' : undefined}>
              Deploy
            </Link>
            <Link href="/deployments" aria-current={section === 'deployments' ? 'page' : undefined}>
              Deployments
            </Link>
          </nav>
          <div className="topbar-end">
            {system && (
              <span className="muted small hide-sm" title={`${system.engine.name} ${system.engine.version}`}>
                v{system.version}
              </span>
            )}
            {(system?.api_key_required || getApiKey()) && (
              <button type="button" className="btn btn-sm" onClick={() => setKeyOpen(true)}>
                {getApiKey() ? 'API key ✓' : 'Set API key'}
              </button>
            )}
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {systemError && systemError.status !== 401 && (
          <div className="page">
            <div className="callout callout-danger" role="alert">
              <p className="callout-title">
                Server information unavailable <code className="error-code">{systemError.code}</code>
              </p>
              <p>{systemError.message}</p>
            </div>
          </div>
        )}
        {r.page === 'wizard' && <Wizard step={r.step} system={system} />}
        {r.page === 'list' && <DeploymentsPage key={keyVersion} />}
        {r.page === 'detail' && <DeploymentDetail key={r.id + keyVersion} deploymentId={r.id} />}
        {r.page === 'progress' && <ProgressPage key={r.id + keyVersion} deploymentId={r.id} />}
      </main>
      <ApiKeyDialog
        open={keyOpen}
        rejected={systemError?.status === 401}
        onClose={() => {
          setKeyOpen(false)
          setKeyVersion((v) => v + 1)
        }}
      />
    </>
  )
}
