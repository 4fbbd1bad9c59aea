import type { Destination } from '../destination'
import type { Service } from '../service'
import type { Scheduler } from './scheduler'

/** struct ip_vs_wrr_mark: current list position, current weight, max weight, gcd. */
interface WrrState {
  cl: Destination | null
  cw: number
  mw: number
  di: number
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

// mirrors ip_vs_wrr_gcd_weight(): gcd of the positive weights, 1 when there are none.
function gcdWeight(svc: Service): number {
  let g = 0
  for (const d of svc.destinations) {
    if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight
  }
  return g || 1
}

// mirrors ip_vs_wrr_max_weight()
function maxWeight(svc: Service): number {
  let w = 0
  for (const d of svc.destinations) if (d.weight > w) w = d.weight
  return w
}

/** The largest weight a pass can take (not overloaded), 0 when none. */
function maxUsableWeight(list: readonly Destination[]): number {
  let w = 0
  for (const d of list) if (!d.overloaded && d.weight > w) w = d.weight
  return w
}

// mirrors ip_vs_wrr_dest_changed(): the position goes back to the head; the current weight is kept
// unless it no longer fits (which is why wrr's first picks after -a one by one visit every RS once).
function destChanged(svc: Service, s: WrrState): void {
  s.cl = null
  s.di = gcdWeight(svc)
  s.mw = maxWeight(svc) - (s.di - 1)
  if (s.cw > s.mw || s.cw === 0) s.cw = s.mw
  else if (s.di > 1) s.cw = Math.floor(s.cw / s.di) * s.di + 1
}

/**
 * Weighted round robin (ip_vs_wrr.c): not "smooth" — each pass over the list takes every
 * destination whose weight reaches the current weight, which then steps down by the gcd.
 */
export const wrr: Scheduler<WrrState> = {
  name: 'wrr',
  init(svc) {
    const di = gcdWeight(svc)
    const mw = maxWeight(svc) - (di - 1)
    return { cl: null, cw: mw, mw, di }
  },
  addDest: (svc, s) => destChanged(svc, s),
  delDest: (svc, s) => destChanged(svc, s),
  updDest: (svc, s) => destChanged(svc, s),

  // mirrors ip_vs_wrr_schedule(), including its last-pass / restart / stop bookkeeping
  schedule(svc, s) {
    const list = svc.destinations
    if (s.mw === 0) return null
    let pos = s.cl === null ? -1 : list.indexOf(s.cl)
    const lastPos = pos
    const lastIsHead = pos === -1
    let stop: number | null = null
    let lastPass = false
    let restarted = false
    let maxUsable = -1
    for (;;) {
      const fromHead = pos === -1
      for (let i = pos + 1; i < list.length; i++) {
        const d = list[i]
        if (!d.overloaded && d.weight >= s.cw) {
          s.cl = d
          return d
        }
        if (stop !== null && i === stop) {
          s.cl = d
          return null // "all destinations are overloaded"
        }
      }
      pos = -1
      if (fromHead) {
        // Not in the kernel, and changing nothing it does: with weights up to INT_MAX (Debian's -w)
        // and the heaviest servers overloaded, the kernel walks the whole list once per step of cw,
        // up to 2^31 times. A pass from the head that found nothing finds nothing again while cw
        // stays above the heaviest usable weight (and above di, where last_pass and the restart
        // begin), so those passes are taken in one subtraction; `stop` is unset here (a pass from
        // the head would have reached it).
        if (maxUsable < 0) maxUsable = maxUsableWeight(list)
        const floor = Math.max(maxUsable, s.di)
        if (s.cw - s.di > floor) {
          s.cw -= (Math.ceil((s.cw - floor) / s.di) - 1) * s.di
          lastPass = false
        }
      }
      s.cw -= s.di
      if (s.cw <= 0) {
        s.cw = s.mw
        if (lastPass || lastIsHead) {
          s.cl = null
          return null
        }
        restarted = true
      }
      lastPass = s.cw <= s.di
      if (lastPass && restarted && !lastIsHead) stop = lastPos
    }
  },
}
