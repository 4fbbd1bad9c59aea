import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { SimMs } from '../sim/time'
import { setup } from '../testkit'
import { IP_VS_CONN_SLAB_BYTES, Metrics } from './metrics'

const t = (s: number) => (s * 1000) as SimMs
const director = () =>
  setup(
    new Simulator(),
    'ipvsadm -A -t 192.168.100.100:80 -s rr',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
    'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 3',
  ).director

describe('metrics', () => {
  it('counts a broken session when a user’s connection reaches a server without its session, unless sessions are shared', () => {
    for (const sharing of [false, true]) {
      const m = new Metrics(director(), { sessionSharing: sharing })
      m.onConnection('u1', true, 0xc0a80865, t(0))
      m.onConnection('u1', true, 0xc0a80866, t(1))
      m.onConnection('u1', true, 0xc0a80866, t(2))
      m.onConnection('u1', true, 0xc0a80865, t(3))
      const s = m.snapshot()
      expect(s.brokenSessions).toBe(sharing ? 0 : 2)
      expect(s.usersWithBrokenSession).toBe(sharing ? 0 : 1)
      expect(s.stickiness).toBe(0.5)
    }
  })

  it('normalises load by weight: 1:3 connections on weights 1:3 is balanced', () => {
    const m = new Metrics(director())
    m.onConnection('a', false, 0xc0a80865, t(0))
    for (let i = 0; i < 3; i++) m.onConnection('b', false, 0xc0a80866, t(1))
    expect(m.snapshot().imbalance).toBeCloseTo(1)
    m.onConnection('c', false, 0xc0a80866, t(2))
    // loads 1/1 and 4/3: max/mean = (4/3) / (7/6)
    expect(m.snapshot().imbalance).toBeCloseTo(8 / 7)
  })

  it('counts refused connections and reports connections per second over a window', () => {
    const m = new Metrics(director())
    m.onConnection('a', false, null, t(0))
    for (let i = 0; i < 20; i++) m.onConnection('a', false, 0xc0a80865, t(5 + i * 0.5))
    const d = m.snapshot()
    expect(d.refused).toBe(1)
    expect(d.realServers[0].connections).toBe(20)
    expect(IP_VS_CONN_SLAB_BYTES).toBe(320)
  })
})
