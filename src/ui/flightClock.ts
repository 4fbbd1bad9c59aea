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
/** Stretches of the clock kept (each pause, play and long gap starts one): far more than a flight spans. */
const SEGMENTS_KEPT = 32

/** From wall time `wall` on, the clock read `flight` and ran (or stood still). */
interface Segment {
  wall: number
  flight: number
  running: boolean
}

/**
 * A connection's start is the clock's reading at the wall time it arrived — computed from the
 * clock's few stretches of running and standing, so nothing is kept per connection (thousands a
 * second arrive at 100×).
 */
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
  private segments: Segment[] = []

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
    const last = this.segments[this.segments.length - 1]
    if (last === undefined || last.running !== running) this.mark(this.lastWall ?? wall, running)
    if (running && this.lastWall !== null) {
      const step = Math.max(0, wall - this.lastWall)
      this.now += Math.min(MAX_STEP_MS, step)
      // a long gap: the wall time in it maps to where the clock stopped, what follows runs from here
      if (step > MAX_STEP_MS) this.mark(wall, true)
    }
    if (!running && this.stoppedWall === null) this.stoppedWall = this.lastWall ?? wall
    if (running) this.stoppedWall = null
    this.lastWall = wall
  }

  private mark(wall: number, running: boolean): void {
    this.segments.push({ wall, flight: this.now, running })
    if (this.segments.length > SEGMENTS_KEPT) this.segments.shift()
  }

  /** The clock's reading at wall time `wall` (of the stretches kept; older is older still). */
  private at(wall: number): number {
    const segs = this.segments
    let i = segs.length - 1
    while (i > 0 && segs[i].wall > wall) i--
    const seg = segs[i]
    if (seg === undefined) return this.now
    if (wall < seg.wall) return seg.flight - (seg.wall - wall)
    if (!seg.running) return seg.flight
    const end = i + 1 < segs.length ? segs[i + 1].flight : this.now
    return Math.min(end, seg.flight + (wall - seg.wall))
  }

  /**
   * When `a`'s flight started, on this clock: its reading when `a` arrived. One that arrived while
   * it stood is as old as it was then: the play's last frame, just after the pause, freezes where
   * its connections start; one a step or a seek brought while paused (not `played`) starts the
   * clock for its flight.
   */
  start(a: Seen, playing: boolean): number {
    const s = this.at(a.seenAt)
    if (!a.played && !this.running(playing) && this.stoppedWall !== null && a.seenAt > this.stoppedWall)
      this.runUntil = Math.max(this.runUntil, s + this.flightMs)
    return s
  }
}
