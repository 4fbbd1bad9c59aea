/**
 * Rewind checkpoints: copies of a run's whole state at whole simulated seconds, so that a rewind
 * restores the latest one at or before its target and replays only the rest. One is due every
 * `spacing` simulated seconds: at least CHECKPOINT_EVERY_MS, more when the state is big, so that a
 * whole run's worth fits in the memory cap; when the copies outgrow the cap anyway, the one whose
 * neighbours are closest goes (the rest stay evenly spread). A command typed at t drops those
 * after t (they did not run it); each checkpoint knows how many journal lines it ran.
 */

/** Checkpoints are at least this many simulated ms apart. */
export const CHECKPOINT_EVERY_MS = 10_000
/** A run's checkpoints are spaced so that at most about this many cover it (years of simulated time). */
export const MAX_CHECKPOINTS = 400
/** The checkpoints of a run hold at most about this many bytes (estimated while copying). */
export const CHECKPOINT_CAP_BYTES = 256 * 2 ** 20

export interface Checkpoint<S> {
  /** Simulated time of the copy (a whole second). */
  atMs: number
  /** How many of the journal's lines had run. */
  applied: number
  /** Estimated size of the copy. */
  bytes: number
  state: S
}

export class Checkpoints<S> {
  private list: Checkpoint<S>[] = []
  private total = 0
  /** The size of the newest copy: the spacing grows with it. */
  private lastBytes = 0
  /** The widest spacing used since the last clear. */
  private widest = 0
  readonly everyMs: number
  readonly capBytes: number

  constructor(everyMs = CHECKPOINT_EVERY_MS, capBytes = CHECKPOINT_CAP_BYTES) {
    this.everyMs = everyMs
    this.capBytes = capBytes
  }

  /** Bytes the checkpoints hold (estimated). */
  get bytes(): number {
    return this.total
  }

  get count(): number {
    return this.list.length
  }

  /** The times held, oldest first. */
  times(): number[] {
    return this.list.map((c) => c.atMs)
  }

  /**
   * How far apart checkpoints are taken in a run of `endMs`: a whole run's worth fits the cap.
   * It only grows until the checkpoints are cleared: states of different sizes would otherwise
   * move the grid at every copy, and copies off the grid would be taken only to be thinned.
   */
  spacing(endMs: number): number {
    const fit = Math.max(endMs / MAX_CHECKPOINTS, this.lastBytes > 0 ? (endMs * this.lastBytes) / this.capBytes : 0)
    this.widest = Math.max(this.widest, this.everyMs, Math.ceil(fit / this.everyMs) * this.everyMs)
    return this.widest
  }

  /**
   * The first time after `fromMs` (exclusive) up to `toMs` (inclusive) a checkpoint is due, or
   * null. Not one that would go again at once: over the cap, where its neighbours are the closest.
   */
  due(fromMs: number, toMs: number, endMs: number): number | null {
    const every = this.spacing(endMs)
    for (let t = (Math.floor(fromMs / every) + 1) * every; t <= toMs; t += every)
      if (!this.has(t) && !this.wouldGo(t)) return t
    return null
  }

  /** A copy at `t` (as big as the last) would be over the cap and the first to be thinned. */
  private wouldGo(t: number): boolean {
    if (this.total + this.lastBytes <= this.capBytes) return false
    const times = [...this.times(), t].sort((a, b) => a - b)
    return times[this.thinned(times)] === t
  }

  has(atMs: number): boolean {
    return this.list.some((c) => c.atMs === atMs)
  }

  add(cp: Checkpoint<S>): void {
    this.lastBytes = cp.bytes
    this.list = this.list.filter((c) => c.atMs !== cp.atMs)
    this.list.push(cp)
    this.list.sort((a, b) => a.atMs - b.atMs)
    this.total = this.list.reduce((s, c) => s + c.bytes, 0)
    while (this.total > this.capBytes && this.list.length > 0) this.thin()
  }

  /** Drop one: the one whose neighbours are closest (never the first or last of three or more). */
  private thin(): void {
    const drop = this.thinned(this.times())
    this.total -= this.list[drop].bytes
    this.list.splice(drop, 1)
  }

  /** Which of `times` (sorted) thinning drops: the one whose neighbours are closest. */
  private thinned(times: number[]): number {
    let drop = 0
    let best = Number.POSITIVE_INFINITY
    for (let i = 1; i < times.length - 1; i++) {
      const span = times[i + 1] - times[i - 1]
      if (span < best) {
        best = span
        drop = i
      }
    }
    return drop
  }

  /** The latest checkpoint at or before `atMs` (null: none). */
  latest(atMs: number): Checkpoint<S> | null {
    let found: Checkpoint<S> | null = null
    for (const c of this.list) if (c.atMs <= atMs) found = c
    return found
  }

  /** A command ran at `atMs` on a journal of `applied` lines: those taken later, or with more lines, go. */
  dropAfter(atMs: number, applied: number): void {
    this.list = this.list.filter((c) => c.atMs <= atMs && c.applied <= applied)
    this.total = this.list.reduce((s, c) => s + c.bytes, 0)
  }

  clear(): void {
    this.list = []
    this.total = 0
    this.lastBytes = 0
    this.widest = 0
  }
}
