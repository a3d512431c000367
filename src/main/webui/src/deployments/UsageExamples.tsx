import { useState } from 'react'
import { CopyButton } from '../components/CopyButton'

const LANGS = [
  { key: 'curl', label: 'curl' },
  { key: 'python', label: 'Python' },
  { key: 'javascript', label: 'JavaScript' },
] as const

type Lang = (typeof LANGS)[number]['key']

export function UsageExamples({ examples }: { examples: Record<Lang, string> }) {
  const [lang, setLang] = useState<Lang>('curl')
  const onKey = (e: React.KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null
    if (next == null) return
    const target = LANGS[(next + LANGS.length) % LANGS.length]
    setLang(target.key)
    document.getElementById(`tab-${target.key}`)?.focus()
  }
  return (
    <section className="code-card" aria-labelledby="usage-title" data-testid="usage-examples">
      <div className="code-head">
        <h3 id="usage-title">Use it</h3>
        <div role="tablist" aria-label="Language" className="tabs">
          {LANGS.map((l, i) => (
            <button
              key={l.key}
              id={`tab-${l.key}`}
              role="tab"
              type="button"
              aria-selected={lang === l.key}
              aria-controls={`panel-${l.key}`}
              tabIndex={lang === l.key ? 0 : -1}
              className="tab"
              onClick={() => setLang(l.key)}
              onKeyDown={(e) => onKey(e, i)}
            >
              {l.label}
            </button>
          ))}
        </div>
        <CopyButton text={examples[lang]} label={`Copy ${lang} example`} />
      </div>
      <pre className="code" id={`panel-${lang}`} role="tabpanel" aria-labelledby={`tab-${lang}`} tabIndex={0} data-testid={`usage-${lang}`}>
        <code>{examples[lang]}</code>
      </pre>
    </section>
  )
}
