import type { DeployRequest } from '../api/types'

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** The exact curl command equivalent to the wizard's Deploy button. */
export function deployCurl(origin: string, req: DeployRequest, withKey: boolean): string {
  const lines = [
    `curl -X POST ${origin}/api/v1/deploy`,
    `  -H 'Content-Type: application/json'`,
  ]
  if (withKey) lines.push(`  -H "Authorization: Bearer $MODELPORT_API_KEY"`)
  lines.push(`  -d ${shellQuote(JSON.stringify(req, null, 2))}`)
  return lines.join(' \\\n')
}
