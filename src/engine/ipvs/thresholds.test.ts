import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { connect, ip, setup } from '../testkit'
import { Destination, ForwardMethod, TunnelType } from './destination'
import type { Service } from './service'

/**
 * The overload flag as Linux 6.1.192 keeps it (net/netfilter/ipvs/ip_vs_ctl.c
 * __ip_vs_dest_update_overload(), __ip_vs_update_dest(); ip_vs_conn.c ip_vs_bind_dest(),
 * ip_vs_unbind_dest()): a change of -x/-y recomputes it at once, binds and unbinds only at the
 * exact crossings of `u_threshold` and `l_threshold_val`.
 */
const RR = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
]
const pick = (sim: Simulator, i: number) => connect(sim, `10.0.0.${i}`, 40000 + i).rs

describe('thresholds (6.1.192)', () => {
  it('__ip_vs_update_dest(): lowering -x with -e below a server’s connections skips it at once', () => {
    const sim = setup(new Simulator(), ...RR)
    const first = [1, 2, 3, 4].map((i) => pick(sim, i))
    expect(first.filter((r) => r === '192.168.8.101:80')).toHaveLength(2)
    setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -x 1')
    // v6.1 left the flag clear until the next bind; 6.1.192 sets it now (2 ≥ 1)
    expect([5, 6, 7, 8].map((i) => pick(sim, i))).toEqual(Array(4).fill('192.168.8.102:80'))
  })

  it('__ip_vs_update_dest(): raising -x above the connections clears the flag only below the lower threshold', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -x 2',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    for (const i of [1, 2, 3, 4]) pick(sim, i) // .101 reaches 2 → overloaded
    expect(pick(sim, 5)).toBe('192.168.8.102:80')
    // -x 3: l_threshold_val = 3 - 0 = 3 > 2 connections → cleared (v6.1 cleared it too: u raised)
    setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -x 3')
    expect(pick(sim, 6)).toBe('192.168.8.101:80')
    // now 3 = -x: set again; -x 4 -y 2 keeps it (3 ≥ l = 2), where v6.1 cleared it (u raised)
    setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -x 4 -y 2')
    expect([7, 8].map((i) => pick(sim, i))).toEqual(['192.168.8.102:80', '192.168.8.102:80'])
  })

  it('-e without a threshold change leaves the flag alone (weight only)', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -x 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    for (const i of [1, 2]) pick(sim, i)
    setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -x 1 -w 5')
    expect([3, 4].map((i) => pick(sim, i))).toEqual(['192.168.8.102:80', '192.168.8.102:80'])
  })
})

const svc = { fwmark: 0, protocol: 6, vaddr: ip('192.168.100.100'), vport: 80 } as unknown as Service
const dest = (u: number, l: number) =>
  new Destination(
    {
      addr: ip('192.168.8.101'),
      port: 80 as never,
      forward: ForwardMethod.DROUTE,
      weight: 1,
      uThreshold: u,
      lThreshold: l,
      tunType: TunnelType.IPIP,
      tunPort: 0,
      tunFlags: 0,
    },
    svc,
  )

describe('property: the overload flag’s hysteresis (6.1.192)', () => {
  it('conns ≥ -x ⇒ overloaded; overloaded ⇒ conns ≥ l_threshold_val; no -x ⇒ never', () => {
    const op = fc.oneof(
      fc.constant({ k: 'bind' as const }),
      fc.constant({ k: 'unbind' as const }),
      fc
        .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }))
        .map(([a, b]) => ({ k: 'edit' as const, u: Math.max(a, b), l: Math.min(a, b) * (a % 2) })),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const d = dest(3, 0)
        for (const o of ops) {
          if (o.k === 'bind') {
            d.inactConns++
            d.checkUpperThreshold()
          } else if (o.k === 'unbind') {
            if (d.inactConns === 0) continue
            d.inactConns--
            d.checkLowerThreshold()
          } else if (o.u !== d.uThreshold || o.l !== d.lThreshold) {
            d.uThreshold = o.u
            d.lThreshold = o.l
            d.updateOverload(0)
          }
          if (d.uThreshold === 0) expect(d.overloaded).toBe(false)
          else {
            if (d.totalConns >= d.uThreshold) expect(d.overloaded).toBe(true)
            if (d.overloaded) expect(d.totalConns).toBeGreaterThanOrEqual(d.lThresholdVal)
          }
        }
      }),
    )
  })

  it('l_threshold_val is 3/4 of -x rounded up when -y is 0 (as v6.1’s `conns * 4 < u * 3`)', () => {
    for (let u = 1; u < 200; u++) {
      const l = dest(u, 0).lThresholdVal
      expect(l).toBe(Math.ceil((3 * u) / 4))
    }
  })
})
