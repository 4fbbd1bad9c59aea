import {
  type AttemptRecord,
  decodeAttempts,
  decodePairs,
  decodeTemplates,
  type Frame,
  type TemplateRecord,
} from '../worker/protocol'

/**
 * Per-frame data that bypasses React (docs/style.md §4): the canvas panels read these on their own
 * animation frames. Bounded: recent attempts in a ring, templates in a map trimmed by age.
 */

/** A template's row as the protocol carries it, with the times a new connection refreshed it. */
export interface TemplateRow extends TemplateRecord {
  refreshes: number[]
}

/** An attempt as the protocol carries it, numbered on the page and stamped when it arrived. */
export interface AttemptDot extends AttemptRecord {
  seq: number
  /** Wall time it arrived on the page (for the animation). */
  seenAt: number
  /** It came in a frame of the lab playing (not a step's or a seek's while paused): the animation freezes it with the rest when paused. */
  played: boolean
}

const MAX_TEMPLATES = 20_000
const MAX_ATTEMPTS = 4000
const MAX_REFRESH_TICKS = 64

/** Fold template deltas (rows the protocol's decodeTemplates reads) and refresh ticks into a map of rows, in place. */
export function foldTemplates(map: Map<number, TemplateRow>, t: Float64Array, r: Float64Array): void {
  for (const rec of decodeTemplates(t)) {
    const row = map.get(rec.id)
    if (row) Object.assign(row, rec)
    else map.set(rec.id, { ...rec, refreshes: [] })
  }
  for (const [id, at] of decodePairs(r)) {
    const row = map.get(id)
    if (!row) continue
    row.refreshes.push(at)
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
    decodeAttempts(f.attempts).forEach((a, k) => {
      this.attempts.push({ ...a, seq: f.attemptsFirstSeq + k, seenAt: wallMs, played: f.playing })
    })
    for (const [id, at] of decodePairs(f.textbookMarks)) this.textbookMarks.set(id, at)
    this.attemptsSkipped += f.attemptsSkipped
    if (this.attempts.length > MAX_ATTEMPTS) this.attempts.splice(0, this.attempts.length - MAX_ATTEMPTS)
    this.version++
  },
}
