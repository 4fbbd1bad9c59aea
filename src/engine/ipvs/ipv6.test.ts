import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { at, connect, lnc, setup } from '../testkit'

const VIP6 = '2001:db8::100'

/** Does `a` agree with `b` in its first `plen` bits? (ipaddr.js, independent of the engine) */
const samePrefix = (a: string, b: string, plen: number): boolean =>
  ipaddr.IPv6.parse(a).match(ipaddr.IPv6.parse(b), plen)

describe('IPv6 persistence: -M is a prefix length (ip_vs_sched_persist(): ipv6_addr_prefix())', () => {
  it('two clients of one /64 share a template; the template source is the prefix', () => {
    const sim = setup(
      new Simulator(),
      `ipvsadm -A -t [${VIP6}]:80 -s rr -p 60 -M 64`,
      `ipvsadm -a -t [${VIP6}]:80 -r [2001:db8:8::101]:80 -g`,
      `ipvsadm -a -t [${VIP6}]:80 -r [2001:db8:8::102]:80 -g`,
    )
    const a = connect(sim, '2001:db8:a::1', 40001, 80, VIP6)
    const b = connect(sim, '2001:db8:a::2', 40002, 80, VIP6)
    const c = connect(sim, '2001:db8:b::1', 40003, 80, VIP6)
    expect([a.rs, b.rs, c.rs]).toEqual(['[2001:db8:8::102]:80', '[2001:db8:8::102]:80', '[2001:db8:8::101]:80'])
    expect(lnc(sim).filter((l) => l.includes('ASSURED'))).toEqual([
      'TCP 01:00  ASSURED     [2001:db8:a::]:0   [2001:db8::100]:80 [2001:db8:8::102]:80',
      'TCP 01:00  ASSURED     [2001:db8:b::]:0   [2001:db8::100]:80 [2001:db8:8::101]:80',
    ])
  })

  it('for random clients and prefix lengths 1–128, two clients share a template iff they agree in the first -M bits (fast-check)', () => {
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ipaddr.fromByteArray([...b]).toString())
    // a second client that agrees with the first in a random number of leading bits
    const pair = fc
      .tuple(v6, v6, fc.integer({ min: 0, max: 128 }), fc.integer({ min: 1, max: 128 }))
      .map(([a, r, keep, plen]) => {
        const ab = ipaddr.IPv6.parse(a).toByteArray()
        const rb = ipaddr.IPv6.parse(r).toByteArray()
        const bytes = ab.map((x, i) => {
          const bits = Math.min(8, Math.max(0, keep - i * 8))
          const m = (0xff << (8 - bits)) & 0xff
          return (x & m) | (rb[i] & ~m & 0xff)
        })
        return { a, b: ipaddr.fromByteArray(bytes).toString(), plen }
      })
    fc.assert(
      fc.property(pair, ({ a, b, plen }) => {
        if (a === b) return
        const sim = setup(
          new Simulator(),
          `ipvsadm -A -t [${VIP6}]:80 -s rr -p 60 -M ${plen}`,
          `ipvsadm -a -t [${VIP6}]:80 -r [2001:db8:8::101]:80 -g`,
          `ipvsadm -a -t [${VIP6}]:80 -r [2001:db8:8::102]:80 -g`,
        )
        const first = connect(sim, a, 40001, 80, VIP6)
        const second = connect(sim, b, 40002, 80, VIP6)
        // rr: a second client without the first one's template goes to the other server
        expect(second.rs === first.rs).toBe(samePrefix(a, b, plen))
        expect(lnc(sim).filter((l) => l.includes('ASSURED')).length).toBe(samePrefix(a, b, plen) ? 1 : 2)
      }),
      { numRuns: 200 },
    )
  })

  it('a port-0 (PCC) service keys its templates on the prefix too; a bare IPv6 -r takes the service port, `[addr]` without `:port` is refused', () => {
    const sim = setup(
      new Simulator(),
      `ipvsadm -A -t [${VIP6}]:0 -s rr -p 60 -M 48`,
      `ipvsadm -a -t [${VIP6}]:0 -r 2001:db8:8::101 -g`,
      `ipvsadm -a -t [${VIP6}]:0 -r 2001:db8:8::102 -g`,
    )
    // parse_service(): after `]` only `:` may follow
    expect(sim.run(`ipvsadm -a -t [${VIP6}]:0 -r [2001:db8:8::103] -g`).stderr).toBe(
      'illegal real server address[:port] specified\n',
    )
    const a = connect(sim, '2001:db8:a:1::1', 40001, 80, VIP6)
    const b = connect(sim, '2001:db8:a:2::1', 40002, 443, VIP6)
    expect(b.rs?.replace(':443', '')).toBe(a.rs?.replace(':80', ''))
    expect(lnc(sim).filter((l) => l.includes('ASSURED'))).toEqual([
      'TCP 01:00  ASSURED     [2001:db8:a::]:0   [2001:db8::100]:0  [2001:db8:8::102]:0',
    ])
  })
})

describe('IPv6 services in the control plane (ip_vs_ctl.c) and in ipvsadm 1.31', () => {
  it('a fwmark service is per family: -f 9 and -f 9 -6 are two services (__ip_vs_svc_fwm_find() matches af)', () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -f 9 -s rr', 'ipvsadm -A -f 9 -6 -s lc -p 30 -M 96')
    expect(sim.run('ipvsadm -A -f 9 -6 -s rr').stderr).toBe('Service already exists\n')
    expect(sim.run('ipvsadm -S -n').stdout).toBe('-A -f 9 -s rr\n-A -f 9 -6 -s lc -p 30 -M 96\n')
    setup(sim, 'ipvsadm -D -f 9')
    expect(sim.run('ipvsadm -Ln').stdout.split('\n').slice(3).join('\n')).toBe('FWM  9 IPv6 lc persistent 30 mask 96\n')
  })

  it('lists fwmark, then family (IPv4 first), then protocol, then address (ipvs_cmp_services())', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -u [2001:db8::10]:53 -s rr',
      'ipvsadm -A -t [2001:db8::9]:80 -s rr',
      'ipvsadm -A -f 2 -6 -s rr',
      'ipvsadm -A -f 2 -s rr',
      'ipvsadm -A -u 192.168.100.100:53 -s rr',
      'ipvsadm -A -t [2001:db8::10]:80 -s rr',
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
    )
    expect(sim.run('ipvsadm -Sn').stdout.split('\n').filter(Boolean)).toEqual([
      '-A -t 192.168.100.100:80 -s rr',
      '-A -u 192.168.100.100:53 -s rr',
      '-A -t [2001:db8::9]:80 -s rr',
      '-A -t [2001:db8::10]:80 -s rr',
      '-A -u [2001:db8::10]:53 -s rr',
      '-A -f 2 -s rr',
      '-A -f 2 -6 -s rr',
    ])
  })

  it('only a tunnelled destination may be of the other family (ipvsadm, then ip_vs_genl_set_cmd())', () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -t [2001:db8::10]:80 -s rr')
    const g = sim.run('ipvsadm -a -t [2001:db8::10]:80 -r 192.168.8.101 -g')
    expect([g.stderr, g.exit]).toEqual(['Different address family is allowed only for tunneling servers\n', 2])
    expect(sim.run('ipvsadm -a -t [2001:db8::10]:80 -r 192.168.8.101 -i').exit).toBe(0)
    expect(sim.run('ipvsadm -Ln').stdout).toContain('  -> 192.168.8.101:80             Tunnel  1      0          0')
    // while a sync daemon runs, the kernel refuses a mixed-family destination with EINVAL
    setup(sim, 'ipvsadm --start-daemon master')
    const t = sim.run('ipvsadm -a -t [2001:db8::10]:80 -r 192.168.8.102 -i')
    expect([t.stderr, t.exit]).toEqual([
      'Invalid operation.  Possibly wrong module version, address not unicast, ...\n',
      255,
    ])
  })

  it('refuses a destination that is not unicast or is link-local (ip_vs_new_dest(): ipv6_addr_type())', () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -t [2001:db8::10]:80 -s rr')
    for (const bad of ['ff02::1', 'fe80::1', '::ffff:192.168.8.1'])
      expect(sim.run(`ipvsadm -a -t [2001:db8::10]:80 -r [${bad}]:80 -g`).exit, bad).toBe(255)
    expect(sim.run('ipvsadm -a -t [2001:db8::10]:80 -r [2001:db8:8::101]:80 -g').exit).toBe(0)
  })

  it('an IPv6 -Lnc entry lets its long columns push the next ones right; an IPv6 name is never cut (print_conn(), print_service_entry())', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t [2001:db8:1234:5678:9abc:def0:1234:5678]:8080 -s rr',
      'ipvsadm -a -t [2001:db8:1234:5678:9abc:def0:1234:5678]:8080 -r [2001:db8:1234:5678:9abc:def0:1234:5679]:8080 -m',
    )
    expect(sim.run('ipvsadm -Ln').stdout.split('\n').slice(3, 5)).toEqual([
      'TCP  [2001:db8:1234:5678:9abc:def0:1234:5678]:8080 rr',
      '  -> [2001:db8:1234:5678:9abc:def0:1234:5679]:8080 Masq    1      0          0         ',
    ])
    const c = connect(sim, '2001:db8:a::1', 40001, 8080, '2001:db8:1234:5678:9abc:def0:1234:5678')
    expect(c.status).toBe('connected')
    at(sim, 1)
    expect(lnc(sim)).toEqual([
      'TCP 14:59  ESTABLISHED [2001:db8:a::1]:40001 [2001:db8:1234:5678:9abc:def0:1234:5678]:8080 [2001:db8:1234:5678:9abc:def0:1234:5679]:8080',
    ])
  })

  it('/proc/net/ip_vs_conn prints an IPv6 entry with %pI6 (ip_vs_conn_seq_show())', () => {
    const sim = setup(
      new Simulator(),
      `ipvsadm -A -t [${VIP6}]:80 -s rr`,
      `ipvsadm -a -t [${VIP6}]:80 -r [2001:db8:8::101]:80 -g`,
    )
    connect(sim, '2001:db8:a::1', 40001, 80, VIP6)
    expect(sim.run('cat /proc/net/ip_vs_conn').stdout.split('\n')[1]).toBe(
      'TCP 2001:0db8:000a:0000:0000:0000:0000:0001 9C41 2001:0db8:0000:0000:0000:0000:0000:0100 0050 2001:0db8:0008:0000:0000:0000:0000:0101 0050 ESTABLISHED     900',
    )
  })
})
