import type { SystemInfo } from '../api/types'
import type { WizardState } from './state'

export interface StepProps {
  state: WizardState
  update: (f: (s: WizardState) => WizardState) => void
  system: SystemInfo | null
}
