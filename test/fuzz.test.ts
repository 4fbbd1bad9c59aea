import { describe, expect, it } from 'vitest'
import { decodeShare } from '../src/ui/share'
import { fuzzShareLinks, TARGETS } from './fuzz/fuzzers'

/** At least 100,000 fuzz cases on every run of the tests (npm run fuzz runs at least 1,000,000). */
const TOTAL = 102_000
const SHARE = 3_000
const weights = TARGETS.reduce((s, t) => s + t.weight, 0)
let ran = 0

describe('fuzzing every parser (pinned seeds)', () => {
  for (const target of TARGETS) {
    it(target.name, { timeout: 300_000 }, () => {
      ran += target.run(Math.round(((TOTAL - SHARE) * target.weight) / weights), 20261125)
    })
  }
  it('share links', { timeout: 120_000 }, async () => {
    ran += await fuzzShareLinks(SHARE, 20261125, decodeShare)
  })
  it('ran at least 100,000 cases in all', () => {
    expect(ran).toBeGreaterThanOrEqual(100_000)
  })
})
