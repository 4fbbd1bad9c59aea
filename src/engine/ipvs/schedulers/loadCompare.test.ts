import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { s64MulGreater } from './loadCompare'

describe('(__s64)loh * dw > (__s64)doh * lw, as ip_vs_wlc_schedule() compares', () => {
  it('is exact where doubles are not: 2147483646² exceeds 2147483647 × 2147483645 by one', () => {
    // as doubles both products round to the same value, and `>` would say false
    expect(2147483646 * 2147483646 > 2147483647 * 2147483645).toBe(false)
    expect(s64MulGreater(2147483646, 2147483646, 2147483647, 2147483645)).toBe(true)
    expect(s64MulGreater(2147483647, 2147483645, 2147483646, 2147483646)).toBe(false)
  })
  it('agrees with 64-bit integer arithmetic for any int overheads and weights', () => {
    const int = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: 2 ** 31 - 5, max: 2 ** 31 - 1 }),
    )
    fc.assert(
      fc.property(int, int, int, int, (a, b, c, d) => {
        expect(s64MulGreater(a, b, c, d)).toBe(BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d))
      }),
      { seed: 20261207, numRuns: 3000 },
    )
  })
})
