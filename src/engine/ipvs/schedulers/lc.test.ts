import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { connect, request, setup } from '../../testkit'

describe('lc and wlc', () => {
  it('lc: ties go to the newest server, then the least overhead wins', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s lc',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 5',
    )
    expect(connect(sim, '10.0.0.1', 40001).rs).toBe('192.168.8.102:80')
    expect(connect(sim, '10.0.0.2', 40002).rs).toBe('192.168.8.101:80')
    expect(connect(sim, '10.0.0.3', 40003).rs).toBe('192.168.8.102:80')
  })

  it('lc: one active connection weighs as much as 257 inactive ones, (activeconns << 8) + totalconns in 6.1.192', () => {
    // include/net/ip_vs.h of 6.1.192, ip_vs_dest_conn_overhead(): the active one counts again in
    // totalconns. Mainline v6.1's `activeconns * 256 + inactconns` would tie at the 257th request
    // and give it to .102, the first in the list.
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s lc',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    expect(connect(sim, '10.0.1.1', 40000).rs).toBe('192.168.8.102:80') // stays open: active
    const picks = Array.from({ length: 258 }, (_, i) => request(sim, `10.0.2.${(i % 250) + 1}`, 41000 + i))
    expect(picks.slice(0, 257).every((p) => p === '192.168.8.101:80')).toBe(true)
    expect(picks[257]).toBe('192.168.8.102:80')
  })

  it('wlc: overhead / weight, one active connection weighs as much as 257 inactive ones', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s wlc',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 3',
    )
    // golden schedulers-first-picks (wlc 1/2/3) and wlc-persistence follow from this rule
    const picks = Array.from({ length: 8 }, (_, i) => connect(sim, `10.0.0.${i + 1}`, 40000 + i).rs)
    expect(picks.filter((p) => p === '192.168.8.102:80')).toHaveLength(6)
    expect(picks[0]).toBe('192.168.8.102:80')
  })

  it('wlc never picks a weight-0 server', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s wlc',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 0',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 1',
    )
    for (let i = 0; i < 5; i++) expect(connect(sim, `10.0.0.${i + 1}`, 40000 + i).rs).toBe('192.168.8.102:80')
  })
})
