import { describe, expect, it } from 'vitest'
import { checkRandomRuns, historySeeks, RANDOM_RUNS } from './rewindProperty'

/** rewind.test.ts's property, runs 21–40 of its 40 (in a file of their own, so that two test workers share them). */
describe('rewinding through checkpoints', () => {
  it('sends the same frames and listings as replaying from 0 (random runs, commands and rewinds: the last 20 of 40)', () => {
    checkRandomRuns(RANDOM_RUNS.slice(20))
    // the history answered many of those seeks (whole seconds the run had reached); the limit is
    // generous: 287 s and 242 s for the two halves side by side on the 2-core machine at load 7–9
    expect(historySeeks.count).toBeGreaterThan(10)
  }, 600_000)
})
