import { describe, expect, it } from 'vitest'
import { advanceBySeconds, SampleBuffer } from './sampling'

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

  it('a sample buffer hands over its rows once, oldest first, and keeps at least the newest `kept`', () => {
    const b = new SampleBuffer(2, 3)
    for (let i = 0; i < 10; i++) b.add(i * 1000, i)
    const rows = b.take()
    expect(rows.length % 2).toBe(0)
    expect(rows.length).toBeGreaterThanOrEqual(3 * 2)
    expect(rows.length).toBeLessThan(2 * 3 * 2)
    expect([...rows.slice(-6)]).toEqual([7000, 7, 8000, 8, 9000, 9])
    expect(b.take()).toHaveLength(0)
  })
})
