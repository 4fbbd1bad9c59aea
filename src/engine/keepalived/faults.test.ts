import { describe, expect, it } from 'vitest'
import { RealServerFaults } from './faults'

describe('real server faults', () => {
  it('holds from at until until, per address; the latest begun wins', () => {
    const f = new RealServerFaults([
      { at: 10, host: '192.168.8.101', kind: 'crash', until: 20 },
      { at: 15, host: '192.168.8.101', kind: 'http-status', status: 503 },
    ])
    const a = 0xc0a80865
    expect(f.at(a, 9_999)).toBeNull()
    expect(f.at(a, 10_000)?.kind).toBe('crash')
    expect(f.at(a, 15_000)).toEqual({ kind: 'http-status', status: 503, delayMs: 10_000 })
    expect(f.at(a + 1, 15_000)).toBeNull()
    expect(f.at(a, 25_000)?.kind).toBe('http-status')
    expect(f.edges).toEqual([10_000, 15_000, 20_000])
  })
})
