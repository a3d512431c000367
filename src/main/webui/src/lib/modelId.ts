// Mirrors the server's model id rule so that the wizard can say what is wrong before asking.
const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/

/** Why a model id is not acceptable, or null when it is. */
export function modelIdProblem(raw: string): string | null {
  const id = raw.trim()
  if (!id) return 'Enter a model id such as distilbert/distilbert-base-uncased-finetuned-sst-2-english.'
  const parts = id.split('/')
  if (parts.length !== 2) return 'Use the form organization/model-name (exactly one “/”).'
  const [org, name] = parts
  if (!org) return 'The organization part (before “/”) is empty.'
  if (!name) return 'The model name part (after “/”) is empty.'
  if (id.includes('..')) return 'A model id cannot contain “..”.'
  for (const [label, part] of [
    ['organization', org],
    ['model name', name],
  ] as const) {
    if (part.length > 96) return `The ${label} is longer than 96 characters.`
    if (!/^[A-Za-z0-9]/.test(part)) return `The ${label} must start with a letter or digit.`
    if (!PART.test(part)) return `The ${label} may only contain letters, digits, “.”, “_” and “-”.`
  }
  return null
}

/** The server's default deployment id: a slug of the model name, `[a-z0-9][a-z0-9-]{0,62}`. */
export function slugFromModelId(modelId: string): string {
  const name = modelId.trim().split('/').pop() ?? ''
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
  return slug || 'model'
}

const DEPLOYMENT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/

export function deploymentIdProblem(id: string): string | null {
  if (!id) return 'Enter a deployment id.'
  if (!DEPLOYMENT_ID.test(id))
    return 'Lower-case letters, digits and “-”, starting with a letter or digit, at most 63 characters.'
  return null
}

const HUB_URL = /^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co|hf\.co)\/([^/?#\s]+)\/([^/?#\s]+)(?:\/(?:tree|blob|resolve)\/([^/?#\s]+))?/i

/**
 * What the model field holds: a Hub link (`https://huggingface.co/org/name`, also with `/tree/rev`), a model
 * id, or search words. A link or an id gives the id (and the link's revision); words give null.
 */
export function parseModelInput(raw: string): { id: string; revision?: string } | null {
  const text = raw.trim()
  const url = HUB_URL.exec(text)
  if (url) {
    const [, org, name, rev] = url
    if (['models', 'datasets', 'spaces', 'docs', 'api'].includes(org.toLowerCase())) return null
    return rev ? { id: `${org}/${name}`, revision: decodeURIComponent(rev) } : { id: `${org}/${name}` }
  }
  if (/^(https?:\/\/|www\.|(huggingface|hf)\.co\b)/i.test(text)) return null // a link, but not to a model
  if (text.includes('/') && !/\s/.test(text)) return { id: text }
  return null
}
