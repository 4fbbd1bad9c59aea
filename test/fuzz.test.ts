import { describe, expect, it } from 'vitest'
import { decodeShare } from '../src/ui/share'
import { type FuzzTarget, fuzzShareLinks, TARGETS } from './fuzz/fuzzers'

/**
 * At least 100,000 fuzz cases on every run of the tests (npm run fuzz runs at least 1,000,000):
 * each target is given its share of the total by weight (a slow one fewer), and each test checks
 * its own target ran that many cases, so the total holds whichever tests run and in whatever order.
 */
const TOTAL = 102_000
const SHARE = 3_000
const weights = TARGETS.reduce((s, t) => s + t.weight, 0)
/** A target's share by weight, as many as it runs at most. */
const shareOf = (t: FuzzTarget) => Math.min(Math.round(((TOTAL - SHARE) * t.weight) / weights), t.maxRuns ?? Infinity)

describe('fuzzing every parser (pinned seeds), at least 100,000 cases in all', () => {
  it('shares out at least 100,000 cases', () => {
    expect(TARGETS.reduce((s, t) => s + shareOf(t), SHARE)).toBeGreaterThanOrEqual(100_000)
  })
  for (const target of TARGETS) {
    it(`${target.name} (${shareOf(target).toLocaleString('en')} cases)`, { timeout: 300_000 }, () => {
      expect(target.run(shareOf(target), 20261125)).toBeGreaterThanOrEqual(shareOf(target))
    })
  }
  it(`share links (${SHARE.toLocaleString('en')} cases)`, { timeout: 120_000 }, async () => {
    expect(await fuzzShareLinks(SHARE, 20261125, decodeShare)).toBeGreaterThanOrEqual(SHARE)
  })
})
