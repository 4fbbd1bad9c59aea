import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CalendarQueue } from './calendarQueue'

/** The reference: a list kept sorted by (key, push order). */
class SortedReference {
  private entries: { key: number; seq: number; item: number; target: number }[] = []
  private seq = 0
  push(key: number, item: number): void {
    const e = { key, seq: this.seq++, item, target: key }
    let i = this.entries.length
    while (i > 0 && this.entries[i - 1].key > key) i--
    this.entries.splice(i, 0, e)
  }
  peekKey(): number {
    return this.entries.length ? this.entries[0].key : Number.POSITIVE_INFINITY
  }
  /** A postponed entry, when its turn comes, is pushed again at its new key. */
  pop(): number | undefined {
    const e = this.entries.shift()
    if (e && e.target > e.key) {
      this.push(e.target, e.item)
      return undefined
    }
    return e?.item
  }
  postpone(item: number, key: number): void {
    const e = this.entries.find((x) => x.item === item)
    if (e) e.target = key
  }
  keyOfItem(item: number): number | undefined {
    return this.entries.find((x) => x.item === item)?.key
  }
  items(): number[] {
    return this.entries.map((e) => e.item)
  }
  get size(): number {
    return this.entries.length
  }
}

// gaps from the last popped key: ties, the same slot, each wheel level, and later 2^32 blocks
const gap = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: 0, max: 2_000_000 }),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.integer({ min: 0, max: 2 ** 36 }),
)
const op = fc.oneof(
  { weight: 5, arbitrary: gap.map((g) => ({ kind: 'push' as const, g, pick: 0 })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const, g: 0, pick: 0 }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'peek' as const, g: 0, pick: 0 }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('postpone' as const), g: gap, pick: fc.nat() }) },
)

describe('CalendarQueue', () => {
  it('pops in (key, push order) like a sorted list, for any pushes at or after the last pop', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 0, max: 2 ** 33 }), (ops, start) => {
        const q = new CalendarQueue<number>()
        const ref = new SortedReference()
        const handles = new Map<number, number>()
        let item = 0
        // begin somewhere in the key space, as a long-running clock would be
        q.push(start, -1)
        ref.push(start, -1)
        expect(q.pop()).toBe(ref.pop())
        let last = start
        for (const o of ops) {
          if (o.kind === 'push') {
            handles.set(item, q.push(last + o.g, item, item))
            ref.push(last + o.g, item)
            item++
          } else if (o.kind === 'postpone') {
            const queued = ref.items()
            if (queued.length === 0) continue
            const which = queued[o.pick % queued.length]
            const handle = handles.get(which) as number
            expect(q.keyOf(handle)).toBe(ref.keyOfItem(which))
            const to = (ref.keyOfItem(which) as number) + o.g
            q.postpone(handle, to)
            ref.postpone(which, to)
          } else if (o.kind === 'peek') {
            expect(q.peekKey()).toBe(ref.peekKey())
          } else {
            const expectKey = ref.peekKey()
            const had = ref.size > 0
            const got = q.pop()
            expect(got).toBe(ref.pop())
            // a postponed entry filed again counts as a pop: the clock reached its old key
            if (had) last = expectKey
            if (got !== undefined) {
              expect(q.poppedKey).toBe(expectKey)
              expect(q.poppedTag).toBe(got)
            }
          }
          expect(q.size).toBe(ref.size)
        }
        while (ref.size > 0) {
          expect(q.peekKey()).toBe(ref.peekKey())
          expect(q.pop()).toBe(ref.pop())
          expect(q.size).toBe(ref.size)
        }
        expect(q.pop()).toBeUndefined()
        expect(q.peekKey()).toBe(Number.POSITIVE_INFINITY)
      }),
      { seed: 20261201, numRuns: 400 },
    )
  })

  it('keeps first-in first-out order among many entries of one key across cascades', () => {
    const q = new CalendarQueue<number>()
    for (let i = 0; i < 1000; i++) q.push(300_000 + (i % 3), i)
    q.push(300_001, 5000)
    const out: number[] = []
    while (q.size > 0) out.push(q.pop() as number)
    const expected = [
      ...Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 === 0),
      ...Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 === 1),
      5000,
      ...Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 3 === 2),
    ]
    expect(out).toEqual(expected)
  })

  it('refuses a key before the last popped one, or a fraction (simulated time never runs back)', () => {
    const q = new CalendarQueue<string>()
    q.push(10, 'a')
    q.pop()
    expect(() => q.push(9, 'b')).toThrow(RangeError)
    expect(() => q.push(10.5, 'b')).toThrow(RangeError)
    q.push(10, 'c')
    expect(q.pop()).toBe('c')
  })

  it('crosses ten years of milliseconds between two entries without walking them', () => {
    const q = new CalendarQueue<string>()
    const tenYears = 10 * 365 * 86_400_000
    q.push(tenYears, 'late')
    q.push(5, 'early')
    expect(q.peekKey()).toBe(5)
    expect(q.pop()).toBe('early')
    expect(q.pop()).toBe('late')
    expect(q.poppedKey).toBe(tenYears)
    q.push(tenYears + 1, 'next')
    expect(q.pop()).toBe('next')
  })
})
