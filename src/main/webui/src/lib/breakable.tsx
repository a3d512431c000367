import { Fragment } from 'react'

/**
 * A long identifier with line-break opportunities where a reader would split it: after "/", "-", "_", "."
 * and before a capital that follows a lower-case letter (DistilBert·For·Sequence·Classification), so narrow
 * screens do not cut it in the middle of a word.
 */
export function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[/_.-])|(?<=[a-z0-9])(?=[A-Z])/)
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </>
  )
}

/** A server message as a sentence: capital first letter. */
export function sentence(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text
}
