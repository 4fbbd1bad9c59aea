import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { NfPacket } from './rule'
import { iprangeMatches } from './xt_iprange'

const pkt = (saddr: number, daddr: number): NfPacket => ({ saddr, daddr }) as NfPacket

const dotted = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`
const addr = fc.nat(0xffffffff)

describe('iprange (xt_iprange.c iprange_mt4(): host-order compare, both ends inclusive)', () => {
  it('an address is in --src-range MIN-MAX exactly when MIN ≤ it ≤ MAX as numbers; `!` flips it', () => {
    fc.assert(
      fc.property(addr, addr, addr, fc.boolean(), (a, lo, hi, inv) => {
        const m = { name: 'iprange' as const, src: { min: lo, max: hi }, srcInv: inv, dst: null, dstInv: false }
        expect(iprangeMatches(m, pkt(a, 0))).toBe((lo <= a && a <= hi) !== inv)
      }),
    )
  })

  it('the range typed on the command line is the one the kernel tests (parse → -S → packet)', () => {
    fc.assert(
      fc.property(addr, addr, addr, (a, x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x]
        const sim = new Simulator()
        const line = `iptables -t mangle -A PREROUTING -m iprange --dst-range ${dotted(lo)}-${dotted(hi)} -j ACCEPT`
        expect(sim.run(line)).toMatchObject({ exit: 0, stderr: '' })
        const rule = sim.netfilter.nft.tables.get('mangle')?.chains.get('PREROUTING')?.rules[0]
        const m = rule?.matches[0]
        expect(m?.name).toBe('iprange')
        if (m?.name === 'iprange') expect(iprangeMatches(m, pkt(0, a))).toBe(lo <= a && a <= hi)
      }),
      { numRuns: 50 },
    )
  })

  it('a reversed range never matches (and iptables warns, as the recording shows)', () => {
    const m = { name: 'iprange' as const, src: { min: 10, max: 5 }, srcInv: false, dst: null, dstInv: false }
    for (const a of [0, 5, 7, 10, 11]) expect(iprangeMatches(m, pkt(a, 0))).toBe(false)
  })
})
