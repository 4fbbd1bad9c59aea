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
