import { describe, expect, it } from 'vitest'
import { NeighbourTable } from './neighbour'

const A = '52:54:00:12:34:56'
const B = '02:00:c0:a8:08:65'
const VIP = '192.168.100.100'

describe('the neighbour table (__neigh_update, neigh_timer_handler, arp_process locktime)', () => {
  it('an entry not yet valid takes the first address it hears', () => {
    const t = new NeighbourTable()
    expect(t.update(VIP, A, 'REACHABLE', false, 1000)).toBe('created')
    expect(t.get(VIP)).toMatchObject({ mac: A, state: 'REACHABLE', updated: 1000, confirmed: 1000 })
  })

  it('a valid entry ignores another address without override (the second reply within locktime)', () => {
    const t = new NeighbourTable()
    t.update(VIP, A, 'REACHABLE', false, 1000)
    const n = t.get(VIP)
    expect(n && t.pastLocktime(n, 1500)).toBe(false)
    expect(t.update(VIP, B, 'REACHABLE', false, 1500)).toBe('ignored')
    expect(t.get(VIP)?.mac).toBe(A)
    // a reply's REACHABLE still confirms the entry (`confirmed` is set before the override test)
    expect(t.get(VIP)?.confirmed).toBe(1500)
  })

  it('locktime: 1 s after the last change a reply may override', () => {
    const t = new NeighbourTable()
    t.update(VIP, A, 'REACHABLE', false, 1000)
    const n = t.get(VIP)
    expect(n && t.pastLocktime(n, 2000)).toBe(false)
    expect(n && t.pastLocktime(n, 2001)).toBe(true)
    expect(t.update(VIP, B, 'REACHABLE', true, 2001)).toBe('changed')
    expect(t.get(VIP)).toMatchObject({ mac: B, updated: 2001 })
  })

  it('neigh_event_ns(): a request naming the sender overrides at once, and leaves the entry STALE', () => {
    const t = new NeighbourTable()
    t.update(VIP, A, 'REACHABLE', false, 1000)
    expect(t.update(VIP, B, 'STALE', true, 1000)).toBe('changed')
    expect(t.get(VIP)).toMatchObject({ mac: B, state: 'STALE' })
  })

  it('REACHABLE lasts base_reachable_time after the last confirmation, then STALE', () => {
    const t = new NeighbourTable({ base_reachable_time_ms: 30_000 })
    t.update(VIP, A, 'REACHABLE', false, 0)
    const n = t.get(VIP)
    if (!n) throw new Error('no entry')
    expect(t.stateAt(n, 29_999)).toBe('REACHABLE')
    expect(t.stateAt(n, 30_000)).toBe('STALE')
  })

  it('the same address with STALE keeps the state it had, and does not move `updated` (no locktime window from a no-op)', () => {
    const t = new NeighbourTable()
    t.update(VIP, A, 'REACHABLE', false, 1000)
    expect(t.update(VIP, A, 'STALE', true, 1200)).toBe('refreshed')
    expect(t.get(VIP)).toMatchObject({ state: 'REACHABLE', updated: 1000 })
  })
})
