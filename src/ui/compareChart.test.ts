import { describe, expect, it } from 'vitest'
import { countAxis, markerIndices, SERIES_MARKER, timeDomainEnd, timeTicks } from './compareChart'

describe('time ticks', () => {
  it('a ten-minute run: 0, 2 min, 4 min … from the start, whole minutes', () => {
    const ticks = timeTicks(600_000)
    expect(ticks.map((t) => [t.n, t.unit])).toEqual([
      [0, 'min'],
      [2, 'min'],
      [4, 'min'],
      [6, 'min'],
      [8, 'min'],
      [10, 'min'],
    ])
  })
  it('the first seconds of a run are on a one-minute axis with round seconds (never 0:00.4)', () => {
    const end = timeDomainEnd(400)
    expect(end).toBe(60_000)
    const ticks = timeTicks(end)
    expect(ticks.map((t) => t.ms)).toEqual([0, 15_000, 30_000, 45_000, 60_000])
    expect(ticks.every((t) => t.unit === 's' && Number.isInteger(t.n))).toBe(true)
  })
  it('every tick is a whole number of its unit and there are at most six, for runs up to ten years', () => {
    for (const end of [60_000, 61_000, 95_000, 1_800_000, 2_400_000, 7_200_000, 86_400_000, 3.2e11]) {
      const ticks = timeTicks(end)
      expect(ticks[0].ms).toBe(0)
      expect(ticks.length).toBeLessThanOrEqual(6)
      expect(ticks.length).toBeGreaterThanOrEqual(2)
      for (const t of ticks) expect(Number.isInteger(t.n), `${end}: ${t.n}`).toBe(true)
      expect(ticks.at(-1)?.ms).toBeLessThanOrEqual(end)
    }
  })
})

describe('count axes', () => {
  it('142 broken sessions beside 4,393 stand clear of 0 (a log scale), ticks 0 and powers of ten', () => {
    const a = countAxis([0, 1, 142, 4393, 0], [4393, 142, 0, 0], 142, 8)
    expect(a.log).toBe(true)
    // more than a third of the plot's height above the floor
    expect(142 - a.y(142)).toBeGreaterThan((142 - 8) / 3)
    expect(a.y(0)).toBe(142)
    expect(a.ticks).toEqual([0, 10, 100, 1000, 10000])
  })
  it('counts now of one size (477 and 347 live templates, after a start from 1): a linear scale whose ticks are integers', () => {
    for (const values of [
      [0, 1],
      [0, 3],
      [349, 481],
      [0, 0],
      [7, 12],
      [1, 349, 477],
    ]) {
      const a = countAxis(values, values.slice(-2), 142, 8)
      expect(a.log).toBe(false)
      expect(a.ticks.length).toBeGreaterThanOrEqual(2)
      for (const t of a.ticks) expect(Number.isInteger(t), `${values.join(',')}: ${t}`).toBe(true)
    }
  })
})

describe('markers', () => {
  it('every configuration has its own shape', () => {
    expect(new Set(Object.values(SERIES_MARKER)).size).toBe(Object.keys(SERIES_MARKER).length)
  })
  it('on lines that coincide, each series puts its markers at other points than the others', () => {
    const xs = Array.from({ length: 601 }, (_, i) => 44 + (i * 308) / 600)
    const sets = [0, 1, 2, 3].map((k) => markerIndices(xs, k, 4, 60))
    for (const s of sets) expect(s.length).toBeGreaterThanOrEqual(4)
    const all = sets.flat()
    expect(new Set(all).size).toBe(all.length)
    // side by side: the nearest markers of two series are at least a few pixels apart
    for (let a = 0; a < 4; a++)
      for (let b = a + 1; b < 4; b++)
        for (const i of sets[a]) for (const j of sets[b]) expect(Math.abs(xs[i] - xs[j])).toBeGreaterThanOrEqual(10)
  })
})
