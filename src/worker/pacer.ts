/**
 * The pacer: simulated time follows wall time × speed, one frame request at a time, within a
 * budget of wall time per frame. The lab host and the compare host share it. Its clock is
 * injected (`now()`), as the engine's PRNG is: tests pace on a fake clock. It schedules nothing
 * itself — the page's frame requests are its ticks.
 */

/** A wall clock in ms (performance.now() in the worker; a fake one in tests). */
export type Clock = () => number

/** The wall clock of the worker. */
export const wallClock: Clock = () => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/** The time budget per frame: beyond it, simulated time falls behind wall × speed. */
export const FRAME_BUDGET_MS = 8
/** A wall-clock gap longer than this (a hidden tab) does not turn into a jump of simulated time. */
export const MAX_WALL_STEP_MS = 250
/** Each advance inside a frame covers at least this much simulated time (ms)… */
const MIN_SLICE_MS = 50
/** …and at most 1/SLICES of the frame's whole step, so a heavy second cannot hold the frame far past its budget. */
const SLICES = 8

export class Pacer {
  private readonly now: Clock
  private readonly budgetMs: number
  private lastWallMs: number | null = null
  /** Simulated time the wall clock has reached, with its fraction of a millisecond. */
  private simCursor = 0

  constructor(now: Clock, budgetMs = FRAME_BUDGET_MS) {
    this.now = now
    this.budgetMs = budgetMs
  }

  /** Forget the wall time of the last frame (after a play, a load, a rewind): the next frame starts from there. */
  resync(): void {
    this.lastWallMs = null
  }

  /** A new run from 0. */
  restart(): void {
    this.lastWallMs = null
    this.simCursor = 0
  }

  /**
   * One frame at wall time `wallMs`: advance from `simNow` towards simNow + wall step × speed
   * (never past `limit`), in slices, through `advance(t)`, until there or the budget is spent.
   * Returns the simulated time reached. Paused (`playing` false), it only notes the wall time.
   */
  frame(
    wallMs: number,
    playing: boolean,
    speed: number,
    simNow: number,
    limit: number,
    advance: (t: number) => void,
  ): number {
    let t = simNow
    if (playing) {
      const last = this.lastWallMs ?? wallMs
      const wallStep = Math.min(MAX_WALL_STEP_MS, Math.max(0, wallMs - last))
      // simulated time stays in whole milliseconds (SimMs); the fraction is carried to the next frame
      this.simCursor = Math.max(this.simCursor, simNow) + wallStep * speed
      const target = Math.min(limit, Math.floor(this.simCursor))
      const started = this.now()
      while (t < target) {
        t = Math.min(target, Math.round(t + Math.max(MIN_SLICE_MS, (wallStep * speed) / SLICES)))
        advance(t)
        if (this.now() - started > this.budgetMs) break
      }
    }
    this.lastWallMs = wallMs
    return t
  }
}
