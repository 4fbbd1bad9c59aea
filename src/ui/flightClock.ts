/**
 * The director's flights have their own clock: it runs with the wall clock while the lab plays
 * and stands still while it is paused, so pausing freezes the connections in the air where they
 * are (and the picture asks for no frame) and playing on lets them land. Connections that arrive
 * while paused (a step, a seek's resent ones) fly on their own: the clock runs until they have.
 * The last frame of the play, which may arrive just after the pause, is not a step: its
 * connections freeze where they start.
 */

/** A connection as the director sees it: when it arrived on the page (wall ms), and whether the lab played then. */
export interface Seen {
  seenAt: number
  /** It came in a frame of the lab playing: one that arrives just after the pause freezes too. */
  played: boolean
}

/** A frame's step of the clock is at most this (a hidden tab's gap does not make flights jump). */
const MAX_STEP_MS = 100

export class FlightClock {
  /** The flights' time (ms). */
  now = 0
  private readonly flightMs: number
  /** Wall time of the last advance (null: none yet). */
  private lastWall: number | null = null
  /** Wall time the clock stopped at (null: running). */
  private stoppedWall: number | null = null
  /** While paused, the clock runs until this time: the flights of connections that came while paused. */
  private runUntil = Number.NEGATIVE_INFINITY
  private readonly starts = new WeakMap<Seen, number>()

  constructor(flightMs: number) {
    this.flightMs = flightMs
  }

  /** Whether it runs: the lab plays, or connections that came while paused are in the air. */
  running(playing: boolean): boolean {
    return playing || this.now < this.runUntil
  }

  /** Move to wall time `wall`: forward by the wall's step if it runs, else it stands still. */
  advance(wall: number, playing: boolean): void {
    const running = this.running(playing)
    if (running && this.lastWall !== null) this.now += Math.min(MAX_STEP_MS, Math.max(0, wall - this.lastWall))
    if (!running && this.stoppedWall === null) this.stoppedWall = this.lastWall ?? wall
    if (running) this.stoppedWall = null
    this.lastWall = wall
  }

  /**
   * When `a`'s flight started, on this clock. First seen while the clock runs: when it arrived.
   * First seen while it stands: one that arrived before it stopped is as old as it was then (one
   * of the play's last frame, come since, is new); one a step or a seek brought since starts now,
   * and the clock runs for its flight.
   */
  start(a: Seen, playing: boolean): number {
    let s = this.starts.get(a)
    if (s !== undefined) return s
    const wall = this.lastWall ?? a.seenAt
    if (this.running(playing)) s = this.now - Math.max(0, wall - a.seenAt)
    else if (this.stoppedWall !== null && (a.seenAt <= this.stoppedWall || a.played))
      s = this.now - Math.max(0, this.stoppedWall - a.seenAt)
    else {
      s = this.now
      this.runUntil = Math.max(this.runUntil, this.now + this.flightMs)
    }
    this.starts.set(a, s)
    return s
  }
}
