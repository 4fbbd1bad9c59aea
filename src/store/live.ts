import { ATTEMPT_FIELDS, type Frame, TEMPLATE_FIELDS } from '../worker/protocol'

/**
 * Per-frame data that bypasses React (docs/style.md §4): the canvas panels read these on their own
 * animation frames. Bounded: recent attempts in a ring, templates in a map trimmed by age.
 */

export interface TemplateRow {
  id: number
  client: number
  /** VIP address, or the firewall mark for a fwmark service (`vport` is then 0). */
  vaddrOrMark: number
  vport: number
  rsAddr: number
  rsPort: number
  createdAt: number
  expiresAt: number
  firstRearmAt: number
  expiredAt: number
  refreshes: number[]
}

export interface AttemptDot {
  seq: number
  at: number
  client: number
  clientPort: number
  vip: number
  vport: number
  rsAddr: number
  how: number
  templateId: number
  /** Wall time it arrived on the page (for the animation). */
  seenAt: number
}

const MAX_TEMPLATES = 20_000
const MAX_ATTEMPTS = 4000
const MAX_REFRESH_TICKS = 64

/** Fold template deltas (TEMPLATE_FIELDS each) and refresh ticks into a map of rows, in place. */
export function foldTemplates(map: Map<number, TemplateRow>, t: Float64Array, r: Float64Array): void {
  for (let i = 0; i < t.length; i += TEMPLATE_FIELDS) {
    const id = t[i]
    let row = map.get(id)
    if (!row) {
      row = {
        id,
        client: 0,
        vaddrOrMark: 0,
        vport: 0,
        rsAddr: 0,
        rsPort: 0,
        createdAt: 0,
        expiresAt: 0,
        firstRearmAt: -1,
        expiredAt: -1,
        refreshes: [],
      }
      map.set(id, row)
    }
    row.client = t[i + 1]
    row.vaddrOrMark = t[i + 2]
    row.vport = t[i + 3]
    row.rsAddr = t[i + 4]
    row.rsPort = t[i + 5]
    row.createdAt = t[i + 6]
    row.expiresAt = t[i + 7]
    row.firstRearmAt = t[i + 8]
    row.expiredAt = t[i + 9]
  }
  for (let i = 0; i < r.length; i += 2) {
    const row = map.get(r[i])
    if (!row) continue
    row.refreshes.push(r[i + 1])
    if (row.refreshes.length > MAX_REFRESH_TICKS) row.refreshes.shift()
  }
  if (map.size > MAX_TEMPLATES)
    for (const [id, row] of map) {
      if (map.size <= MAX_TEMPLATES) break
      if (row.expiredAt >= 0) map.delete(id)
    }
}

export const live = {
  epoch: -1,
  version: 0,
  templates: new Map<number, TemplateRow>(),
  /** Textbook switch: when the textbook rule would have dropped a template, by template id. */
  textbookMarks: new Map<number, number>(),
  attempts: [] as AttemptDot[],
  attemptsSkipped: 0,

  reset(epoch: number): void {
    this.epoch = epoch
    this.templates.clear()
    this.textbookMarks.clear()
    this.attempts = []
    this.attemptsSkipped = 0
    this.version++
  },

  /** Fold one frame's deltas in. */
  apply(f: Frame, wallMs: number): void {
    if (f.epoch !== this.epoch) this.reset(f.epoch)
    // updated in place: thousands of rows change per second at high speed
    foldTemplates(this.templates, f.templates, f.refreshes)
    const a = f.attempts
    for (let i = 0, k = 0; i < a.length; i += ATTEMPT_FIELDS, k++) {
      this.attempts.push({
        seq: f.attemptsFirstSeq + k,
        at: a[i],
        client: a[i + 1],
        clientPort: a[i + 2],
        vip: a[i + 3],
        vport: a[i + 4],
        rsAddr: a[i + 5],
        how: a[i + 6],
        templateId: a[i + 7],
        seenAt: wallMs,
      })
    }
    const m = f.textbookMarks
    for (let i = 0; i < m.length; i += 2) this.textbookMarks.set(m[i], m[i + 1])
    this.attemptsSkipped += f.attemptsSkipped
    if (this.attempts.length > MAX_ATTEMPTS) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPTS)
    this.version++
  },
}
