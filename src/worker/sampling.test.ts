import { describe, expect, it } from 'vitest'
import { advanceBySeconds } from './sampling'

/** The times advanced to, and the clock at each sample. */
function trace(from: number, to: number, kept: number) {
  let clock = from
  const advances: number[] = []
  const samples: number[] = []
  advanceBySeconds(
    from,
    to,
    kept,
    (t) => {
      expect(t).toBeGreaterThanOrEqual(clock)
      clock = t
      advances.push(t)
    },
    () => samples.push(clock),
  )
  return { advances, samples, clock }
}

describe('advancing by whole seconds', () => {
  it('stops at each whole second on the way and samples there, then reaches the end', () => {
    expect(trace(250, 3500, 900)).toEqual({
      advances: [1000, 2000, 3000, 3500],
      samples: [1000, 2000, 3000],
      clock: 3500,
    })
  })

  it('samples only the last seconds of a long jump, so years cost what their end costs', () => {
    const tenYears = 10 * 365 * 86_400_000
    const { advances, samples, clock } = trace(0, tenYears, 900)
    expect(clock).toBe(tenYears)
    expect(samples).toHaveLength(900)
    expect(samples[0]).toBe(tenYears - 899_000)
    expect(advances.length).toBeLessThanOrEqual(902)
  })

  it('still brings a clock already at its target to it, without a sample', () => {
    expect(trace(5000, 5000, 900)).toEqual({ advances: [5000], samples: [], clock: 5000 })
  })
})
