import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { setup } from '../testkit'
import { servicesInTableOrder, svcAddrFold, svcFwmHashKey, svcHashKey } from './serviceTable'

/** ip_vs_svc_hashkey(), ip_vs_svc_fwm_hashkey(), ip_vs_genl_dump_services() of Linux 6.1.192. */
const titles = (out: string) => out.split('\n').filter((l) => /^(TCP|UDP|SCTP|FWM)/.test(l))

describe('ipvsadm -Ln --nosort: the kernel’s service tables in order', () => {
  it('ip_vs_svc_hashkey(): proto ^ addr ^ (port >> 8) ^ port, 8 bits', () => {
    // 192.168.100.100 = 0xC0A86464: low byte 0x64; 6 ^ 0x64 ^ 0 ^ 80 = 0x32
    expect(svcHashKey(6, 0xc0a86464, 80)).toBe((6 ^ 0x64 ^ 80) & 255)
    expect(svcHashKey(17, 0xc0a86464, 0x1234)).toBe((17 ^ 0x64 ^ 0x12 ^ 0x34) & 255)
    expect(svcFwmHashKey(0x103)).toBe(3)
  })

  it('buckets in ascending order, fwmark services after all others, not in the order added', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -f 1 -s rr',
      'ipvsadm -A -t 192.168.100.100:80 -s rr', // bucket 6^0x64^80 = 0x32
      'ipvsadm -A -t 192.168.100.100:443 -s rr', // 6^0x64^1^0xbb = 0xd8
      'ipvsadm -A -u 192.168.100.100:53 -s rr', // 17^0x64^53 = 0x40
      'ipvsadm -A -t 192.168.100.1:22 -s rr', // 6^1^22 = 0x11
    )
    expect(titles(sim.run('ipvsadm -Ln --nosort').stdout)).toEqual([
      'TCP  192.168.100.1:22 rr',
      'TCP  192.168.100.100:80 rr',
      'UDP  192.168.100.100:53 rr',
      'TCP  192.168.100.100:443 rr',
      'FWM  1 rr',
    ])
  })

  it('in one bucket the newest first (hlist_add_head_rcu())', () => {
    // 10.0.0.1:80 and 10.0.0.0:81 share a bucket: 6 ^ 1 ^ 80 = 6 ^ 0 ^ 81
    const sim = setup(new Simulator(), 'ipvsadm -A -t 10.0.0.1:80 -s rr', 'ipvsadm -A -t 10.0.0.0:81 -s rr')
    expect(titles(sim.run('ipvsadm -Ln --nosort').stdout)).toEqual(['TCP  10.0.0.0:81 rr', 'TCP  10.0.0.1:80 rr'])
  })

  it('property: the same set as the sorted listing, whatever the order of adding', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.constantFrom(6, 17), fc.integer({ min: 0, max: 65535 })), {
          maxLength: 12,
          selector: (t) => t.join(),
        }),
        (svcs) => {
          const fake = svcs.map(([protocol, vport]) => ({
            protocol,
            vaddr: 0x0a000001,
            vport,
            isFwmark: false,
            fwmark: 0,
          }))
          const order = servicesInTableOrder(fake as never)
          expect(new Set(order)).toEqual(new Set(fake))
          const keys = order.map((s) => svcHashKey(s.protocol, svcAddrFold(s.vaddr), s.vport))
          expect(keys).toEqual([...keys].sort((a, b) => a - b))
        },
      ),
    )
  })
})
