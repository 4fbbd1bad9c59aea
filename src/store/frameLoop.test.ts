// @vitest-environment happy-dom
/**
 * Loops on animation frames that sleep: a tick that wants no other frame stops its loop until a
 * wake (its own, every loop's, or a change of the store); a follower updates at most every N ms
 * and only when its version moved. Fake animation frames (16 ms) and clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { followEvery, frameLoop, wakeLoops } from './frameLoop'
import { useLab } from './state'

let rafCalls = 0
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame', 'performance'] })
  rafCalls = 0
  const raf = globalThis.requestAnimationFrame
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => {
    rafCalls++
    return raf(cb)
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('frameLoop', () => {
  it('runs while its tick wants frames, then asks for none until woken', () => {
    let left = 5
    let ticks = 0
    const loop = frameLoop(() => {
      ticks++
      return --left > 0
    })
    vi.advanceTimersByTime(1000)
    expect(ticks).toBe(5)
    rafCalls = 0
    vi.advanceTimersByTime(1000)
    expect(rafCalls).toBe(0)
    // woken: one frame (its tick wants no other)
    loop.wake()
    loop.wake()
    vi.advanceTimersByTime(1000)
    expect(ticks).toBe(6)
    // every loop is woken by a change of the store, and by wakeLoops
    useLab.setState({ timelineFilter: 'x' })
    vi.advanceTimersByTime(100)
    expect(ticks).toBe(7)
    wakeLoops()
    vi.advanceTimersByTime(100)
    expect(ticks).toBe(8)
    // stopped: never again
    loop.stop()
    wakeLoops()
    vi.advanceTimersByTime(1000)
    expect(ticks).toBe(8)
    useLab.setState({ timelineFilter: '' })
  })

  it('followEvery updates when the version moved, at most every N ms, and sleeps in between', () => {
    let version = 0
    const updates: number[] = []
    const seen: number[] = []
    const follow = followEvery(
      500,
      () => version,
      () => {
        updates.push(performance.now())
        seen.push(version)
      },
    )
    vi.advanceTimersByTime(100)
    expect(updates).toHaveLength(1)
    rafCalls = 0
    vi.advanceTimersByTime(2000)
    expect(rafCalls).toBe(0)
    // the version moves every frame for 2 s: updates every 500 ms or so, not every frame
    for (let t = 0; t < 2000; t += 16) {
      version++
      wakeLoops()
      vi.advanceTimersByTime(16)
    }
    expect(updates.length).toBeGreaterThanOrEqual(4)
    expect(updates.length).toBeLessThanOrEqual(6)
    for (let i = 2; i < updates.length; i++) expect(updates[i] - updates[i - 1]).toBeGreaterThanOrEqual(500)
    // the last move is not lost: once the throttle allows, it is followed, then sleep
    vi.advanceTimersByTime(1000)
    const last = updates.length
    rafCalls = 0
    vi.advanceTimersByTime(1000)
    expect(updates).toHaveLength(last)
    expect(seen.at(-1)).toBe(version)
    expect(rafCalls).toBe(0)
    follow.stop()
  })
})
