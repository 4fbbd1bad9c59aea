/**
 * Sampling: the figures of every whole simulated second, once each, whatever the speed or the
 * frame rate (advanceBySeconds), held between frames in one buffer per run (SampleBuffer).
 */
import { RecentRows } from './recentRows'

/**
 * Advance a clock from `from` to `to` (ms), stopping at every whole simulated second to take a
 * sample: charts and exported figures then hold one point a second, the same at any speed or
 * frame rate. Only the last `kept` seconds are sampled — a jump of years costs what its end costs.
 */
export function advanceBySeconds(
  from: number,
  to: number,
  kept: number,
  advance: (t: number) => void,
  /** Told the whole second `t` the clock stopped at (the clock may be a little past it: a snapshot's commands take time). */
  sample: (t: number) => void,
  /** Told when seconds were jumped over unsampled: sampling starts again after `t`. */
  gap?: (t: number) => void,
): void {
  let t = from
  const sampledFrom = to - kept * 1000
  if (t < sampledFrom) {
    t = Math.floor(sampledFrom / 1000) * 1000
    if (t > from) {
      advance(t)
      gap?.(t)
    } else t = from
  }
  if (t >= to) {
    advance(to)
    return
  }
  while (t < to) {
    t = Math.min(to, (Math.floor(t / 1000) + 1) * 1000)
    advance(t)
    if (t % 1000 === 0) sample(t)
  }
}

/**
 * The samples of the newest `kept` whole seconds: those since the last frame travel with it, and
 * after a rewind all of them (resend). A long jump samples only its last `kept` seconds: the
 * seconds before are a gap, and `completeSince` says since when every second was sampled.
 */
export class SampleBuffer {
  private readonly rows: RecentRows
  /** Every whole second after this time (ms) was sampled. */
  completeSince = 0

  constructor(fields: number, kept: number) {
    this.rows = new RecentRows(fields, kept)
  }

  add(...row: number[]): void {
    this.rows.push(...row)
  }

  /** The rows since the last take, oldest first. */
  take(): Float64Array {
    return this.rows.take().rows
  }

  /** Seconds up to `atMs` were jumped over unsampled: what came before is not shown with what follows. */
  gap(atMs: number): void {
    this.rows.clear()
    this.completeSince = atMs
  }

  /** After a rewind: the next take carries the newest `kept` rows. */
  resend(): void {
    this.rows.resend()
  }

  clear(): void {
    this.rows.clear()
    this.completeSince = 0
  }
}
