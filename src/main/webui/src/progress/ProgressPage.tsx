import { useState } from 'react'
import { api, ApiError } from '../api/client'
import { navigate } from '../lib/router'
import { isTerminal } from './stages'
import { ProgressView } from './ProgressView'
import { useProgressSocket } from './useProgressSocket'

export function ProgressPage({ deploymentId }: { deploymentId: string }) {
  const state = useProgressSocket(deploymentId)
  const [cancelError, setCancelError] = useState<string | null>(null)
  const [cancelling, setCancelling] = useState(false)
  const status = state.latest?.status
  const done = isTerminal(status) || status === 'error'

  const cancel = async () => {
    setCancelling(true)
    setCancelError(null)
    try {
      await api.undeploy(deploymentId)
    } catch (e) {
      setCancelError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e))
    } finally {
      setCancelling(false)
    }
  }

  return (
    <div className="page narrow">
      <ProgressView deploymentId={deploymentId} {...state} />
      <div className="actions">
        {!done && (
          <button type="button" className="btn btn-danger-outline" onClick={cancel} disabled={cancelling} data-testid="cancel-deployment">
            {cancelling ? 'Cancelling…' : 'Cancel deployment'}
          </button>
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
        {done && status !== 'completed' && (
          <button type="button" className="btn" onClick={() => navigate('/deploy/model')}>
            Back to the wizard
          </button>
        )}
        <button type="button" className="btn btn-ghost" onClick={() => navigate('/deployments')}>
          All deployments
        </button>
      </div>
      {cancelError && (
        <p className="field-error" role="alert">
          {cancelError}
        </p>
      )}
    </div>
  )
}
