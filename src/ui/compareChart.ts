/**
 * The compare charts' axes and markers, as pure functions (the drawing is CompareView.tsx's):
 * time ticks at round seconds or minutes from 0, count axes whose ticks are integers and on which a
 * small count stands clear of 0 beside a large one, and a marker shape per configuration placed so
 * that lines which coincide still show every configuration's markers.
 */
import { scaleLinear, scaleSymlog } from 'd3-scale'
import {
  type SymbolType,
  symbolCircle,
  symbolCross,
  symbolDiamond,
  symbolSquare,
  symbolTriangle,
  symbolWye,
} from 'd3-shape'

/** A tick of the time axis: where (simulated ms) and how to say it (`unit` picks the words). */
export interface TimeTick {
  ms: number
  n: number
  unit: 's' | 'min' | 'h'
}

const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
/** Round steps, smallest first: a run of any length gets ticks at one of them. */
const TIME_STEPS = [
  10 * SEC,
  15 * SEC,
  30 * SEC,
  MIN,
  2 * MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
]

/** The time axis's domain end: at least one minute, so the first seconds are not stretched. */
export const timeDomainEnd = (maxMs: number): number => Math.max(MIN, maxMs)

/**
 * Ticks from 0 to `endMs` at the smallest round step giving at most `most` ticks after 0: 0, 1 min,
 * 2 min … (never 0:00.4). Each is named in the largest unit that divides the step.
 */
export function timeTicks(endMs: number, most = 5): TimeTick[] {
  const step = TIME_STEPS.find((s) => endMs / s <= most) ?? Math.ceil(endMs / most / (24 * HOUR)) * 24 * HOUR
  const unit: TimeTick['unit'] = step % HOUR === 0 ? 'h' : step % MIN === 0 ? 'min' : 's'
  const per = unit === 'h' ? HOUR : unit === 'min' ? MIN : SEC
  const ticks: TimeTick[] = []
  for (let ms = 0; ms <= endMs + 1e-9; ms += step) ticks.push({ ms, n: ms / per, unit })
  return ticks
}

/** A count axis: its scale (to pixels) and its integer ticks. */
export interface CountAxis {
  y: (v: number) => number
  ticks: number[]
  log: boolean
}

/**
 * A vertical axis for counts from 0 to the largest of `values` over pixels `[bottom, top]`. When the
 * configurations' counts now (`latest`, one per line) lie an order of magnitude apart (142 beside
 * 4,393 broken sessions), a symmetric log scale: 0 stays 0, and 142 sits well above it (on a linear
 * axis it would be 3 % of the height, a line on the floor); its ticks are 0 and powers of ten.
 * Otherwise (477 beside 347 live templates) a linear scale with integer ticks.
 */
export function countAxis(values: number[], latest: number[], bottom: number, top: number): CountAxis {
  const hi = Math.max(0, ...values)
  const now = latest.filter((v) => v > 0)
  const apart = now.length > 0 && Math.max(...now) >= 100 && Math.max(...now) / Math.min(...now) >= 10
  if (apart) {
    const topPow = 10 ** Math.ceil(Math.log10(hi))
    const y = scaleSymlog().domain([0, topPow]).range([bottom, top])
    let ticks = [0]
    for (let p = 1; p <= topPow; p *= 10) ticks.push(p)
    // at most five: drop 1 first (0 and 10 are close on the page)
    if (ticks.length > 5) ticks = ticks.filter((v) => v !== 1)
    return { y: (v) => y(v), ticks, log: true }
  }
  const y = scaleLinear()
    .domain([0, Math.max(4, hi)])
    .nice(4)
    .range([bottom, top])
  return { y: (v) => y(v), ticks: y.ticks(4).filter(Number.isInteger), log: false }
}

/** Each configuration's marker shape, fixed like its colour and dash (colors.ts's SERIES_STYLE). */
export const SERIES_MARKER: Record<string, SymbolType> = {
  none: symbolCircle,
  ppc: symbolSquare,
  pcc: symbolTriangle,
  fwmark: symbolDiamond,
  shared: symbolCross,
}
export const seriesMarker = (id: string): SymbolType => SERIES_MARKER[id] ?? symbolWye

/**
 * Which points of series `k` of `count` carry a marker: one every `spacing` pixels of `xs` (the
 * points' x positions, increasing), the series offset from each other by `spacing / count`, so
 * that where lines lie on top of each other every configuration's markers still show side by side.
 */
export function markerIndices(xs: number[], k: number, count: number, spacing: number): number[] {
  const out: number[] = []
  if (xs.length === 0) return out
  let next = xs[0] + (spacing * (k + 0.5)) / Math.max(1, count)
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] >= next) {
      out.push(i)
      next += spacing
      while (next <= xs[i]) next += spacing
    }
  }
  return out
}
