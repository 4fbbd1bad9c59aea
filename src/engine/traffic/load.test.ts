import { describe, expect, it } from 'vitest'
import { validateScenario } from '../scenario/schema'
import { estimateUsersOnline, MAX_USERS_ONLINE, meanVisitSeconds, peakArrivalRate } from './load'

const scenario = (traffic: object, until = 600) => ({ commands: [], until, traffic })

describe('how much traffic the lab agrees to simulate', () => {
  it('a visit lasts pages × think time plus requests and the kept-alive tail', () => {
    // defaults: 6 pages, 20 s think, 0.4 s requests, 15 s keep-alive
    expect(meanVisitSeconds({ users: 1 })).toBeCloseTo(5 * 20 + 6 * 0.4 + 15)
    expect(meanVisitSeconds({ users: 1, session: { pages: { mean: 1 }, keepAliveSeconds: 0 } })).toBeCloseTo(0.4)
  })

  it('arrival rates: spread, ramped (twice the mean at the end), burst (the burst part)', () => {
    expect(peakArrivalRate({ users: 600 }, 600)).toBe(1)
    expect(peakArrivalRate({ users: 600, arrivals: 'ramp' }, 600)).toBe(2)
    expect(peakArrivalRate({ users: 1000, arrivals: 'burst', burst: { at: 5, fraction: 0.5, within: 10 } }, 100)).toBe(
      50,
    )
    expect(peakArrivalRate({ users: 10, duration: 0 }, 600)).toBe(Number.POSITIVE_INFINITY)
  })

  it('users online at once: rate × visit, never more than all of them', () => {
    expect(estimateUsersOnline({ users: 600 }, 600)).toBe(Math.round(meanVisitSeconds({ users: 1 })))
    expect(estimateUsersOnline({ users: 10, duration: 0 }, 600)).toBe(10)
  })

  it('absurd traffic is refused with the numbers that make it absurd; the classroom sizes pass', () => {
    const r = validateScenario(scenario({ users: 1_000_000, start: 1, duration: 0.001 }, 60))
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.error).toBe(
        'traffic: about 1,000,000 users would be online at once (1,000,000,000 arrive a second, each for about 117 s); ' +
          'the lab simulates at most 100,000 at once: spread the arrivals over a longer duration, or make the visits shorter',
      )
    expect(validateScenario(scenario({ users: 1_000_000 }, 600)).ok).toBe(false)
    // 1,000,000 users over a day are ~1,400 online: fine
    expect(validateScenario(scenario({ users: 1_000_000 }, 86_400)).ok).toBe(true)
    expect(validateScenario(scenario({ users: MAX_USERS_ONLINE, duration: 0 })).ok).toBe(true)
    expect(validateScenario(scenario({ users: MAX_USERS_ONLINE + 1, duration: 0 })).ok).toBe(false)
    const tooMany = validateScenario(scenario({ users: 10_000_000 }))
    expect(tooMany.ok || tooMany.error).toBe('traffic.users: must be at most 1000000')
  })
})
