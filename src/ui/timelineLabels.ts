/** The template timeline's row labels (canvas, SVG export, tooltip). */
import type { TemplateRow } from '../store/index'
import { abbreviateAll } from './addressText'
import { ip, shortIp } from './format'

/** DejaVu Sans Mono's advance, in ems: how many characters a row's label column holds. */
export const MONO_EM = 0.602

/**
 * The rows' labels: `client :port → .102` (`fwm 80` for a fwmark template). A client too long for
 * `maxChars` (an IPv6 address without -M) is cut in the middle, keeping the tail that tells it
 * apart from the other rows drawn (addressText.ts); the row's tooltip has the whole entry.
 */
export function rowLabels(rows: readonly TemplateRow[], maxChars: number): string[] {
  const parts = rows.map((r) => {
    const svc = r.vport === 0 && r.vaddrOrMark < 65536 ? `fwm ${r.vaddrOrMark}` : `:${r.vport}`
    return { client: ip(r.client), rest: ` ${svc} → ${shortIp(r.rsAddr)}` }
  })
  const long = parts.filter((p) => p.client.length + p.rest.length > maxChars)
  if (long.length === 0) return parts.map((p) => p.client + p.rest)
  const room = Math.max(8, maxChars - Math.max(...long.map((p) => p.rest.length)))
  const short = abbreviateAll(
    parts.map((p) => p.client),
    room,
  )
  return parts.map((p) => (short.get(p.client) ?? p.client) + p.rest)
}
