/**
 * Sampling: the figures of every whole simulated second, once each, whatever the speed or the
 * frame rate (advanceBySeconds), held between frames in one buffer per run (SampleBuffer).
 */

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
  sample: () => void,
): void {
  let t = from
  const sampledFrom = to - kept * 1000
  if (t < sampledFrom) {
    t = Math.floor(sampledFrom / 1000) * 1000
    if (t > from) advance(t)
    else t = from
  }
  if (t >= to) {
    advance(to)
    return
  }
  while (t < to) {
    t = Math.min(to, (Math.floor(t / 1000) + 1) * 1000)
    advance(t)
    if (t % 1000 === 0) sample()
  }
}

/**
 * Samples taken since the last frame, in rows of `fields` numbers, sent as one typed array.
 * Only the newest `kept` rows are held: trimmed in halves, so samples no frame asked for cost O(1)
 * each.
 */
export class SampleBuffer {
  private rows: number[] = []
  private readonly fields: number
  private readonly kept: number
  constructor(fields: number, kept: number) {
    this.fields = fields
    this.kept = kept
  }

  add(...row: number[]): void {
    this.rows.push(...row)
    if (this.rows.length >= 2 * this.kept * this.fields) this.rows.splice(0, this.rows.length - this.kept * this.fields)
  }

  /** The rows so far, oldest first; the buffer is empty after. */
  take(): Float64Array {
    const out = Float64Array.from(this.rows)
    this.rows = []
    return out
  }

  clear(): void {
    this.rows = []
  }
}
