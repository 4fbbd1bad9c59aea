import { describe, expect, it } from 'vitest'
import { FRAME_BUDGET_MS, MAX_WALL_STEP_MS, Pacer } from './pacer'

/** A clock that moves only when the work it measures says so. */
function fakeClock() {
  let t = 0
  return { now: () => t, spend: (ms: number) => (t += ms) }
}

describe('the pacer', () => {
  it('moves simulated time by the wall step × speed, in slices, the fraction of a ms carried', () => {
    const clock = fakeClock()
    const pacer = new Pacer(clock.now)
    const steps: number[] = []
    let sim = 0
    const advance = (t: number) => {
      steps.push(t)
      sim = t
    }
    sim = pacer.frame(0, true, 1.5, sim, 1e9, advance)
    expect(steps).toEqual([]) // the first frame only notes the wall time
    sim = pacer.frame(16.5, true, 1.5, sim, 1e9, advance)
    // 16.5 ms × 1.5 = 24.75 ms: one slice (at least 50 ms each, cut at the target), 24 whole ms
    expect(steps).toEqual([24])
    pacer.frame(33, true, 1.5, sim, 1e9, advance)
    // the 0.75 ms left over is carried: 24.75 + 24.75 = 49.5
    expect(steps).toEqual([24, 49])
  })

  it('slices a big step in eight, and stops when the frame budget is spent on its clock', () => {
    const clock = fakeClock()
    const pacer = new Pacer(clock.now)
    const slices: number[] = []
    const cost = FRAME_BUDGET_MS / 3 + 0.1 // each slice costs a third of the budget, and a bit
    pacer.frame(0, true, 100, 0, 1e9, () => {})
    const reached = pacer.frame(100, true, 100, 0, 1e9, (t) => {
      slices.push(t)
      clock.spend(cost)
    })
    // 100 ms × 100 = 10 s, in slices of 10 s / 8; the budget ends it after the third
    expect(slices).toEqual([1250, 2500, 3750])
    expect(reached).toBe(3750)
  })

  it('with a free clock the whole step is done; never past the limit; paused, nothing moves', () => {
    const clock = fakeClock()
    const pacer = new Pacer(clock.now)
    const slices: number[] = []
    pacer.frame(0, true, 100, 0, 5000, () => {})
    expect(pacer.frame(100, true, 100, 0, 5000, (t) => slices.push(t))).toBe(5000)
    expect(slices).toEqual([1250, 2500, 3750, 5000])
    expect(pacer.frame(200, false, 100, 5000, 1e9, (t) => slices.push(t))).toBe(5000)
    expect(slices).toHaveLength(4)
  })

  it('a hidden tab (a long wall gap) does not turn into a jump of simulated time', () => {
    const clock = fakeClock()
    const pacer = new Pacer(clock.now)
    pacer.frame(0, true, 10, 0, 1e9, () => {})
    const reached = pacer.frame(60_000, true, 10, 0, 1e9, () => {})
    expect(reached).toBe(MAX_WALL_STEP_MS * 10)
  })

  it('after resync the next frame starts from its own wall time', () => {
    const clock = fakeClock()
    const pacer = new Pacer(clock.now)
    pacer.frame(0, true, 1, 0, 1e9, () => {})
    pacer.resync()
    expect(pacer.frame(200, true, 1, 0, 1e9, () => {})).toBe(0)
    expect(pacer.frame(300, true, 1, 0, 1e9, () => {})).toBe(100)
  })
})
