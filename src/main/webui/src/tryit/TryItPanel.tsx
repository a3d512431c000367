import { useState } from 'react'
import { ApiError } from '../api/client'
import type { Deployment } from '../api/types'
import { CopyButton } from '../components/CopyButton'
import { formatMs } from '../lib/format'
import { errorHelp } from '../progress/errorHelp'
import { taskLabel } from '../wizard/suggestions'
import {
  ClassificationResult,
  EmbeddingResult,
  EntitiesResult,
  FillMaskResult,
  firstOf,
  QaResult,
  SimilarityResult,
  type Entity,
  type LabelScore,
  type MaskFill,
  type QaAnswer,
} from './results'
import { GenerationPanel } from './GenerationPanel'
import { useInference, type InferenceState } from './useInference'

interface PanelProps {
  deployment: Deployment
  onDone: () => void
}

/** The mask token of the model family: RoBERTa-style tokenizers use `<mask>`. */
export function maskToken(architecture: string | null): string {
  return architecture && /roberta|xlm|camembert|bart/i.test(architecture) ? '<mask>' : '[MASK]'
}

export function TryItPanel({ deployment, onDone }: PanelProps) {
  const Panel = (deployment.task && PANELS[deployment.task]) || UnsupportedPanel
  return (
    <section className="card tryit" aria-labelledby="tryit-title" data-testid="try-it">
      <div className="section-head">
        <h2 id="tryit-title">Try it</h2>
        <span className="tag">{taskLabel(deployment.task)}</span>
      </div>
      <Panel deployment={deployment} onDone={onDone} />
    </section>
  )
}

function Outcome<T>({ state, children }: { state: InferenceState<T>; children: (r: T) => React.ReactNode }) {
  return (
    <div className="tryit-result" aria-live="polite">
      {state.error && <ErrorBox error={state.error} />}
      {state.result != null && !state.error && (
        <>
          {children(state.result)}
          <div className="result-foot">
            {state.timeMs != null && (
              <p className="muted small" data-testid="inference-time">
                Answered in {formatMs(state.timeMs)}
              </p>
            )}
            <CopyButton text={JSON.stringify(state.result, null, 2)} label="Copy the result as JSON" caption="Copy JSON" />
          </div>
        </>
      )}
    </div>
  )
}

function ErrorBox({ error }: { error: ApiError }) {
  return (
    <div className="callout callout-danger" role="alert" data-testid="inference-error">
      <p className="callout-title">
        Inference failed <code className="error-code">{error.code}</code>
      </p>
      <p>{error.message}</p>
      <p className="callout-help">{errorHelp(error.code)}</p>
    </div>
  )
}

function RunButton({ busy, label = 'Run' }: { busy: boolean; label?: string }) {
  return (
    <button type="submit" className="btn btn-primary" disabled={busy} data-testid="run-inference">
      {busy ? 'Running…' : label}
    </button>
  )
}

function TextArea({ id, label, value, onChange, rows = 3 }: { id: string; label: string; value: string; onChange: (v: string) => void; rows?: number }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} className="input" rows={rows} value={value} onChange={(e) => onChange(e.target.value)} data-testid={`tryit-${id}`} />
    </div>
  )
}

function ClassificationPanel({ deployment, onDone }: PanelProps) {
  const [text, setText] = useState('I love how easy this was to set up!')
  const inf = useInference<LabelScore[] | LabelScore[][]>(deployment.deployment_id, onDone)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); inf.run({ inputs: text, parameters: { top_k: null } }) }}>
      <TextArea id="text" label="Text" value={text} onChange={setText} />
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>{(r) => <ClassificationResult result={firstOf(r)} />}</Outcome>
    </form>
  )
}

function NerPanel({ deployment, onDone }: PanelProps) {
  const [text, setText] = useState('My name is Clara and I live in Berkeley, California, and work at Apple.')
  const [sent, setSent] = useState('')
  const inf = useInference<Entity[] | Entity[][]>(deployment.deployment_id, onDone)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); setSent(text); inf.run({ inputs: text, parameters: { aggregation_strategy: 'simple' } }) }}>
      <TextArea id="text" label="Text" value={text} onChange={setText} />
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>{(r) => <EntitiesResult text={sent} entities={firstOf(r)} />}</Outcome>
    </form>
  )
}

function FillMaskPanel({ deployment, onDone }: PanelProps) {
  const mask = maskToken(deployment.architecture)
  const [text, setText] = useState(`Paris is the ${mask} of France.`)
  const inf = useInference<MaskFill[] | MaskFill[][]>(deployment.deployment_id, onDone)
  const hasMask = text.includes(mask)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); if (hasMask) inf.run({ inputs: text, parameters: { top_k: 5 } }) }}>
      <TextArea id="text" label={`Text with ${mask}`} value={text} onChange={setText} />
      {!hasMask && <p className="field-error">Put {mask} where the model should fill in a word.</p>}
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>{(r) => <FillMaskResult result={firstOf(r)} />}</Outcome>
    </form>
  )
}

function QaPanel({ deployment, onDone }: PanelProps) {
  const [question, setQuestion] = useState('Where do I live?')
  const [context, setContext] = useState('My name is Wolfgang and I live in Berlin. I work as an engineer.')
  const [sent, setSent] = useState('')
  const inf = useInference<QaAnswer>(deployment.deployment_id, onDone)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); setSent(context); inf.run({ inputs: { question, context } }) }}>
      <div className="field">
        <label htmlFor="question">Question</label>
        <input id="question" className="input" value={question} onChange={(e) => setQuestion(e.target.value)} data-testid="tryit-question" />
      </div>
      <TextArea id="context" label="Context" value={context} onChange={setContext} rows={4} />
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>{(r) => <QaResult context={sent} result={Array.isArray(r) ? r[0] : r} />}</Outcome>
    </form>
  )
}

function SimilarityPanel({ deployment, onDone }: PanelProps) {
  const [source, setSource] = useState('A man is eating food.')
  const [others, setOthers] = useState('A man is eating a piece of bread.\nA man is riding a horse.\nThe girl is carrying a baby.')
  const [sent, setSent] = useState<string[]>([])
  const inf = useInference<number[]>(deployment.deployment_id, onDone)
  return (
    <form
      className="tryit-form"
      onSubmit={(e) => {
        e.preventDefault()
        const sentences = others.split('\n').map((s) => s.trim()).filter(Boolean)
        setSent(sentences)
        inf.run({ inputs: { source_sentence: source, sentences } })
      }}
    >
      <div className="field">
        <label htmlFor="source">Source sentence</label>
        <input id="source" className="input" value={source} onChange={(e) => setSource(e.target.value)} data-testid="tryit-source" />
      </div>
      <TextArea id="sentences" label="Compare with (one per line)" value={others} onChange={setOthers} rows={4} />
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>{(r) => <SimilarityResult sentences={sent} scores={r} />}</Outcome>
    </form>
  )
}

function EmbeddingPanel({ deployment, onDone }: PanelProps) {
  const [text, setText] = useState('Modelport turns Hub models into APIs.')
  const inf = useInference<number[] | number[][]>(deployment.deployment_id, onDone)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); inf.run({ inputs: text }) }}>
      <TextArea id="text" label="Text" value={text} onChange={setText} />
      <RunButton busy={inf.busy} label="Embed" />
      <Outcome state={inf}>{(r) => <EmbeddingResult vector={(Array.isArray(r[0]) ? r[0] : r) as number[]} />}</Outcome>
    </form>
  )
}

const TEXT2TEXT_SAMPLES: Record<string, [string, string, string]> = {
  summarization: ['summary_text', 'Article', 'The tower is 324 metres tall, about the same height as an 81-storey building, and the tallest structure in Paris. Its base is square, measuring 125 metres on each side.'],
  translation: ['translation_text', 'Text to translate', 'The house is wonderful.'],
  'text2text-generation': ['generated_text', 'Input', 'Answer the question: what is the capital of France?'],
}

/** text2text-generation, summarization and translation: one input, the model's text. */
function Text2TextPanel({ deployment, onDone }: PanelProps) {
  const [key, label, sample] = TEXT2TEXT_SAMPLES[deployment.task ?? 'text2text-generation'] ?? TEXT2TEXT_SAMPLES['text2text-generation']
  const [text, setText] = useState(sample)
  const inf = useInference<Record<string, string>[] | Record<string, string>[][]>(deployment.deployment_id, onDone)
  return (
    <form className="tryit-form" onSubmit={(e) => { e.preventDefault(); inf.run({ inputs: text, parameters: { max_new_tokens: 64 } }) }}>
      <TextArea id="text" label={label} value={text} onChange={setText} rows={4} />
      <RunButton busy={inf.busy} />
      <Outcome state={inf}>
        {(r) => (
          <div className="generated" data-testid="text2text-result">
            {firstOf(r).map((o, i) => <p key={i}>{o[key]}</p>)}
          </div>
        )}
      </Outcome>
    </form>
  )
}

function UnsupportedPanel({ deployment }: PanelProps) {
  return <p className="muted">No try-it panel for the task “{deployment.task}”. Use the examples below.</p>
}

const PANELS: Record<string, (p: PanelProps) => React.ReactNode> = {
  'text-classification': ClassificationPanel,
  'token-classification': NerPanel,
  'fill-mask': FillMaskPanel,
  'question-answering': QaPanel,
  'sentence-similarity': SimilarityPanel,
  'feature-extraction': EmbeddingPanel,
  'text-generation': GenerationPanel,
  'text2text-generation': Text2TextPanel,
  summarization: Text2TextPanel,
  translation: Text2TextPanel,
}
