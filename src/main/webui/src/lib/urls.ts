import type { Deployment } from '../api/types'

const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1'])

/**
 * A URL the server built with its own idea of its host name (PUBLIC_HOST, localhost by default), as seen
 * from this page: when the page was opened from another machine, the loopback host becomes the page's host
 * (the port stays the URL's own: a dedicated port).
 */
export function asSeenFromPage(url: string, loc: Location = window.location): string {
  try {
    const u = new URL(url, loc.origin)
    if (LOOPBACK.has(u.hostname) && !LOOPBACK.has(loc.hostname)) u.hostname = loc.hostname
    return u.href
  } catch {
    return url
  }
}

/** The inference URL on the origin this page was opened from. */
export function inferenceUrl(d: Deployment, loc: Location = window.location): string {
  return new URL(d.inference_url, loc.origin).href
}

/**
 * The usage examples with the URL the page was opened from: the server writes its dedicated endpoint (with
 * PUBLIC_HOST) or the base URL the request came in on; both are rewritten as this page reaches them.
 */
export function examplesFromPage(
  examples: { curl: string; python: string; javascript: string },
  d: Deployment,
  loc: Location = window.location,
): { curl: string; python: string; javascript: string } {
  const fix = (text: string) => {
    let out = text
    if (d.endpoint) out = out.split(d.endpoint).join(asSeenFromPage(d.endpoint, loc))
    const path = d.inference_url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    out = out.replace(new RegExp(`https?://[^\\s"'\`]+?${path}`, 'g'), inferenceUrl(d, loc))
    return out
  }
  return { curl: fix(examples.curl), python: fix(examples.python), javascript: fix(examples.javascript) }
}
