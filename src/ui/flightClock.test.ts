import { describe, expect, it } from 'vitest'
import { FlightClock } from './flightClock'

const FLIGHT = 1400

/** Advance the clock frame by frame (16 ms) from wall `from` to `to`. */
function frames(c: FlightClock, from: number, to: number, playing: boolean): void {
  for (let w = from; w <= to; w += 16) c.advance(w, playing)
}

describe("the director's flight clock", () => {
  it('runs while playing: a connection is as old as the wall time since it arrived', () => {
    const c = new FlightClock(FLIGHT)
    frames(c, 0, 1600, true)
    const a = { seenAt: 1000, played: true }
    expect(c.now - c.start(a, true)).toBe(600)
    frames(c, 1616, 2000, true)
    expect(c.now - c.start(a, true)).toBe(1000)
  })

  it('stands still while paused: connections in the air stay where they were, and fly on with play', () => {
    const c = new FlightClock(FLIGHT)
    frames(c, 0, 1008, true)
    const a = { seenAt: 800, played: true }
    expect(c.now - c.start(a, true)).toBe(208)
    // paused for 10 s: the clock does not run and asks for no frame
    frames(c, 1024, 11_024, false)
    expect(c.running(false)).toBe(false)
    expect(c.now - c.start(a, false)).toBe(208)
    // playing on: it flies on from there, a frame's step at a time (not the 10 s)
    frames(c, 11_040, 11_040 + 16 * 10, true)
    expect(c.now - c.start(a, true)).toBe(208 + 16 * 11)
  })

  it('a connection seen only once paused, that arrived before the pause, keeps its age at the pause', () => {
    const c = new FlightClock(FLIGHT)
    frames(c, 0, 1008, true)
    frames(c, 1024, 5024, false)
    // the director was off screen: it sees a connection that arrived 300 ms before the pause
    const a = { seenAt: 708, played: true }
    expect(c.now - c.start(a, false)).toBe(300)
    expect(c.running(false)).toBe(false)
  })

  it('a connection that comes while paused (a step) flies: the clock runs for its flight, then stops', () => {
    const c = new FlightClock(FLIGHT)
    frames(c, 0, 1008, true)
    frames(c, 1024, 3024, false)
    const step = { seenAt: 3030, played: false }
    c.advance(3040, false)
    expect(c.now - c.start(step, false)).toBe(0)
    expect(c.running(false)).toBe(true)
    frames(c, 3056, 3056 + FLIGHT + 100, false)
    expect(c.running(false)).toBe(false)
    const age = c.now - c.start(step, false)
    expect(age).toBeGreaterThanOrEqual(FLIGHT)
    expect(age).toBeLessThan(FLIGHT + 16)
  })

  it("the play's last frame, arriving just after the pause, freezes where its connections start", () => {
    const c = new FlightClock(FLIGHT)
    frames(c, 0, 1008, true)
    c.advance(1024, false)
    // the frame asked for before the pause arrives after it, with the connections played until then
    const late = { seenAt: 1030, played: true }
    c.advance(1040, false)
    expect(c.now - c.start(late, false)).toBe(0)
    expect(c.running(false)).toBe(false)
    frames(c, 1056, 5056, false)
    expect(c.now - c.start(late, false)).toBe(0)
  })

  it('a long gap between frames (a hidden tab) moves the flights by one step at most', () => {
    const c = new FlightClock(FLIGHT)
    c.advance(0, true)
    c.advance(60_000, true)
    expect(c.now).toBe(100)
  })
})
