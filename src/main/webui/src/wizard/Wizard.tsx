import { useEffect, useRef, useState } from 'react'
import type { Deployment, SystemInfo } from '../api/types'
import { navigate } from '../lib/router'
import { FilesStep } from './FilesStep'
import { HardwareStep } from './HardwareStep'
import { ModelStep } from './ModelStep'
import { settingsProblem, SettingsStep, useDeploymentList } from './SettingsStep'
import {
  INITIAL_STATE,
  modelReady,
  stateFromDeployment,
  STEPS,
  withSystemDefaults,
  type StepPath,
  type WizardState,
} from './state'
import { SummaryStep } from './SummaryStep'

const STORAGE = 'modelport.wizard'

/** "Deploy again": the wizard opens on the model step, filled with what the deployment was asked for. */
export function deployAgain(d: Deployment): void {
  sessionStorage.setItem(STORAGE, JSON.stringify(stateFromDeployment(d, loadState() ?? INITIAL_STATE)))
  navigate('/deploy/model')
}

function loadState(): WizardState | null {
  try {
    const raw = sessionStorage.getItem(STORAGE)
    return raw ? { ...INITIAL_STATE, ...JSON.parse(raw) } : null
  } catch {
    return null
  }
}

const INTRO: Record<StepPath, { title: string; lead: string }> = {
  model: { title: 'Choose a model', lead: 'Search the Hugging Face Hub, or paste a model id or link.' },
  hardware: { title: 'Pick the hardware', lead: 'Where the model runs and at which precision.' },
  files: { title: 'Review what gets downloaded', lead: 'Only the files the model needs are fetched into the Hub cache.' },
  settings: { title: 'Deployment settings', lead: 'Sensible defaults; change what you need.' },
  summary: { title: 'Review and deploy', lead: 'Everything on one page, and the same request as a curl command.' },
}

interface Props {
  step: StepPath
  system: SystemInfo | null
}

export function Wizard({ step, system }: Props) {
  const [stored] = useState(loadState)
  // "Deploy again" links here with ?model=
  const [state, setState] = useState<WizardState>(() => {
    const model = new URLSearchParams(window.location.search).get('model')
    const base = stored ?? INITIAL_STATE
    return model ? { ...base, modelId: model, preflight: null, deploymentIdEdited: false, checkNow: true } : base
  })

  useEffect(() => {
    if (system && !stored) setState((s) => withSystemDefaults(s, system))
  }, [system, stored])

  useEffect(() => {
    sessionStorage.setItem(STORAGE, JSON.stringify(state))
  }, [state])

  const index = STEPS.findIndex((s) => s.path === step)
  const deployments = useDeploymentList(step)
  const heading = useRef<HTMLHeadingElement>(null)
  const shownStep = useRef(step)
  const [announcement, setAnnouncement] = useState('')

  // a new step takes the focus to its heading (so the next Tab starts there) and is announced
  useEffect(() => {
    if (shownStep.current === step) return
    shownStep.current = step
    heading.current?.focus()
    setAnnouncement(`Step ${index + 1} of ${STEPS.length}: ${INTRO[step].title}`)
  }, [step, index])

  const limits = system?.limits
  const problems: (string | null)[] = [
    modelReady(state) ? null : 'Choose a supported model first.',
    null,
    null,
    state.preflight
      ? settingsProblem(state, limits?.max_batch_size ?? 64, limits?.max_batch_delay_ms ?? 100, deployments)
      : 'Choose a model first.',
    null,
  ]
  // the furthest step reachable without skipping an unfinished one
  const reachable = (() => {
    let i = 0
    while (i < STEPS.length - 1 && !problems[i]) i++
    return i
  })()

  useEffect(() => {
    if (index > reachable) navigate(`/deploy/${STEPS[reachable].path}`, true)
  }, [index, reachable])

  if (index > reachable) return null

  const props = { state, update: setState, system }
  const intro = INTRO[step]
  const go = (i: number) => navigate(`/deploy/${STEPS[i].path}`)

  return (
    <div className="page wizard">
      <nav aria-label="Wizard steps" className="stepper">
        <ol>
          {STEPS.map((s, i) => (
            <li key={s.path} className={i === index ? 'step-current' : i < index ? 'step-done' : ''}>
              <button
                type="button"
                onClick={() => go(i)}
                disabled={i > reachable}
                aria-current={i === index ? 'step' : undefined}
                data-testid={`stepper-${s.path}`}
              >
                <span className="step-num" aria-hidden="true">
                  {i < index ? '✓' : i + 1}
                </span>
                <span className="step-title">{s.title}</span>
              </button>
            </li>
          ))}
        </ol>
      </nav>

      <p className="visually-hidden" aria-live="polite" data-testid="step-announcement">
        {announcement}
      </p>
      <form
        className="card step"
        aria-labelledby="step-title"
        data-testid={`step-${step}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          if (index < STEPS.length - 1 && !problems[index]) go(index + 1)
        }}
      >
        <header className="step-header">
          <p className="eyebrow">
            Step {index + 1} of {STEPS.length}
          </p>
          <h1 id="step-title" tabIndex={-1} ref={heading}>
            {intro.title}
          </h1>
          <p className="muted">{intro.lead}</p>
        </header>

        {step === 'model' && <ModelStep {...props} />}
        {step === 'hardware' && <HardwareStep {...props} />}
        {step === 'files' && <FilesStep {...props} />}
        {step === 'settings' && <SettingsStep {...props} deployments={deployments} />}
        {step === 'summary' && (
          <SummaryStep
            {...props}
            onDeployed={() => sessionStorage.removeItem(STORAGE)}
            onBack={() => go(index - 1)}
            onEditSettings={() => go(STEPS.findIndex((s) => s.path === 'settings'))}
          />
        )}

        {index < STEPS.length - 1 && (
          <footer className="step-footer">
            {index > 0 ? (
              <button type="button" className="btn" onClick={() => go(index - 1)} data-testid="wizard-back">
                Back
              </button>
            ) : (
              <span />
            )}
            <div className="next-wrap">
              {problems[index] && state.modelId && <span className="muted small">{problems[index]}</span>}
              <button type="submit" className="btn btn-primary" disabled={!!problems[index]} data-testid="wizard-next">
                Next: {STEPS[index + 1].title}
              </button>
            </div>
          </footer>
        )}
      </form>
    </div>
  )
}
