/**
 * Addresses made short enough to draw, never ambiguously. An IPv4 address fits anywhere; an IPv6
 * address (up to 39 characters) may not. Among the addresses a panel shows together, each keeps
 * its *distinguishing tail* — the shortest end of its text, from a colon on, that no other address
 * of the set ends with — and, where room is short, as much of its head as fits: `2001:db8…::101`.
 * The full text always goes with it (a tooltip, an aria label). Pure: no store, no DOM.
 */

/** The ellipsis that stands for the groups left out. */
export const ELLIPSIS = '…'

/**
 * Each IPv6 text's distinguishing tail among `texts` (an IPv4 text, or one that needs all of
 * itself, maps to itself): the shortest suffix starting at a run of colons (`::101`, `:5`) that
 * no other text ends with.
 */
export function distinguishingTails(texts: Iterable<string>): Map<string, string> {
  const all = [...new Set(texts)]
  // how many texts end with each suffix that starts at a colon (a text has at most 8 colons)
  const ends = new Map<string, number>()
  for (const b of all)
    for (let i = b.indexOf(':'); i >= 0; i = b.indexOf(':', i + 1))
      ends.set(b.slice(i), (ends.get(b.slice(i)) ?? 0) + 1)
  const out = new Map<string, string>()
  for (const a of all) {
    let tail = a
    // from the end: each run of colons starts a candidate; the first only a itself ends with wins
    for (let i = a.length - 1; i > 0; i--) {
      if (a[i] !== ':' || a[i - 1] === ':') continue
      const t = a.slice(i)
      if (ends.get(t) === 1) {
        tail = t
        break
      }
    }
    out.set(a, tail)
  }
  return out
}

/**
 * `text` in at most `maxChars` characters: whole when it fits (or when it is its own tail), else as
 * much of its head as fits (cut before a colon), an ellipsis, and its distinguishing `tail`.
 */
export function abbreviate(text: string, tail: string, maxChars: number): string {
  if (text.length <= maxChars || tail === text) return text
  const room = maxChars - tail.length - ELLIPSIS.length
  let head = room > 0 ? text.slice(0, room) : ''
  // whole groups only: end the head where a group ends (before a colon)
  if (text[head.length] !== ':') head = head.slice(0, Math.max(0, head.lastIndexOf(':')))
  head = head.replace(/:+$/, '')
  return `${head}${ELLIPSIS}${tail}`
}

/** Each text of `texts` abbreviated to `maxChars` among the others (abbreviate + distinguishingTails). */
export function abbreviateAll(texts: readonly string[], maxChars: number): Map<string, string> {
  const tails = distinguishingTails(texts)
  const out = new Map<string, string>()
  for (const t of texts) out.set(t, abbreviate(t, tails.get(t) ?? t, maxChars))
  return out
}

/**
 * A real server as people say it in class, among the others shown with it: IPv4 its last octet
 * (`.102`), IPv6 an ellipsis and its distinguishing tail (`…::102`).
 */
export function shortName(text: string, tails: ReadonlyMap<string, string>): string {
  if (!text.includes(':')) return `.${text.slice(text.lastIndexOf('.') + 1)}`
  const tail = tails.get(text) ?? text
  return tail === text ? text : `${ELLIPSIS}${tail}`
}
