import { useEffect, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { Deployment } from '../api/types'
import { navigate } from '../lib/router'
import { deployAgain } from '../wizard/Wizard'
import { isTerminal } from './stages'
import { ProgressView } from './ProgressView'
import { useProgressSocket } from './useProgressSocket'

export function ProgressPage({ deploymentId }: { deploymentId: string }) {
  const state = useProgressSocket(deploymentId)
  const [cancelError, setCancelError] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [cancelling, setCancelling] = useState(false)
  const [deployment, setDeployment] = useState<Deployment | null>(null)
  const status = state.latest?.status
  const done = isTerminal(status) || status === 'error'

  // once it ended: what it was asked for, so "Deploy again" can fill the wizard
  useEffect(() => {
    if (!done || status === 'completed' || status === 'error') return
    const ctrl = new AbortController()
    api
      .deployment(deploymentId, ctrl.signal)
      .then(setDeployment)
      .catch(() => setDeployment(null))
    return () => ctrl.abort()
  }, [done, status, deploymentId])

  const cancel = async () => {
    setCancelling(true)
    setCancelError(null)
    try {
      await api.undeploy(deploymentId)
    } catch (e) {
      setCancelError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e))
    } finally {
      setCancelling(false)
      setConfirming(false)
    }
  }

  return (
    <div className="page narrow">
      <ProgressView deploymentId={deploymentId} {...state} />
      <div className="actions" data-testid="progress-actions">
        {!done && !confirming && (
          <button type="button" className="btn" onClick={() => setConfirming(true)} data-testid="cancel-deployment">
            Cancel deployment…
          </button>
        )}
        {!done && confirming && (
          <div className="confirm" role="group" aria-labelledby="cancel-q" data-testid="cancel-confirm">
            <p id="cancel-q">
              Cancel <code>{deploymentId}</code>? Files already downloaded stay in the cache for a later deploy.
            </p>
            <div className="actions">
              <button type="button" className="btn" onClick={cancel} disabled={cancelling} data-testid="confirm-cancel" autoFocus>
                {cancelling ? 'Cancelling…' : 'Yes, cancel it'}
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)} disabled={cancelling}>
                Keep deploying
              </button>
            </div>
          </div>
        )}
        {status === 'completed' && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => navigate(`/deployments/${encodeURIComponent(deploymentId)}`)}
            data-testid="open-deployment"
          >
            Open deployment and try it
          </button>
        )}
        {done && status !== 'completed' && deployment && (
          <button type="button" className="btn btn-primary" onClick={() => deployAgain(deployment)} data-testid="deploy-again">
            Deploy again…
          </button>
        )}
        {(!confirming || done) && (
          <button type="button" className="btn btn-ghost" onClick={() => navigate('/deployments')}>
            All deployments
          </button>
        )}
      </div>
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
    </div>
  )
}
