import { describe, expect, it } from 'vitest'
import { Checkpoints } from './checkpoints'

const cp = (s: number, bytes = 100, applied = 0) => ({ atMs: s * 1000, applied, bytes, state: null })

describe('rewind checkpoints', () => {
  it('over the memory cap, the one whose neighbours are closest goes: the rest stay spread', () => {
    const c = new Checkpoints<null>(10_000, 350)
    for (const s of [10, 20, 30]) c.add(cp(s))
    expect(c.times()).toEqual([10_000, 20_000, 30_000])
    c.add(cp(60))
    // 400 bytes > 350: 20 s (neighbours 10 and 30) goes, not 30 s (neighbours 20 and 60)
    expect(c.times()).toEqual([10_000, 30_000, 60_000])
    expect(c.bytes).toBe(300)
    expect(c.latest(45_000)?.atMs).toBe(30_000)
    expect(c.latest(9_999)).toBeNull()
  })

  it('a command typed at t drops the checkpoints after t, and those that ran journal lines it replaced', () => {
    const c = new Checkpoints<null>(10_000, 10_000)
    c.add(cp(10, 100, 0))
    c.add(cp(20, 100, 1))
    c.add(cp(30, 100, 2))
    c.dropAfter(20_000, 1)
    expect(c.times()).toEqual([10_000, 20_000])
  })

  it('are spaced so that a whole run fits the cap (at least every 10 s, at most 400 a run)', () => {
    const c = new Checkpoints<null>(10_000, 1000)
    expect(c.spacing(600_000)).toBe(10_000)
    expect(c.due(0, 600_000, 600_000)).toBe(10_000)
    c.add(cp(10, 100))
    // 600 s × 100 bytes / 1000 bytes = 60 s
    expect(c.spacing(600_000)).toBe(60_000)
    expect(c.due(10_000, 600_000, 600_000)).toBe(60_000)
    expect(c.due(10_000, 59_999, 600_000)).toBeNull()
    // ten years of a small state: no more than 400 copies
    const small = new Checkpoints<null>(10_000, 2 ** 30)
    small.add(cp(10, 100))
    expect(small.spacing(315_360_000_000)).toBe(788_400_000)
  })

  it('the spacing only grows, and no copy is taken over the cap only to be thinned at once', () => {
    const c = new Checkpoints<null>(10_000, 350)
    for (const s of [10, 20, 30]) c.add(cp(s))
    // 100 s × 100 bytes / 350 bytes → 30 s; a smaller state later does not bring it back
    expect(c.spacing(100_000)).toBe(30_000)
    c.add(cp(30, 10))
    expect(c.spacing(100_000)).toBe(30_000)
    c.add(cp(30, 100))
    // 10, 20, 30 held, at the cap: 15 s would go at once (closest neighbours); 60 s extends the run
    const d = new Checkpoints<null>(5_000, 300)
    for (const s of [10, 20, 30]) d.add(cp(s))
    expect(d.due(10_000, 15_000, 5_000)).toBeNull()
    expect(d.due(30_000, 60_000, 5_000)).toBe(35_000)
  })
})
