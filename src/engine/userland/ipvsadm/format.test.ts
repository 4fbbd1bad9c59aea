import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { request, setup } from '../../testkit'
import { glibcMergeSort, largeNum } from './format'

describe('ipvsadm listings', () => {
  it('print_largenum: 9 wide, K/M/G/T above 10^8, --exact widens', () => {
    expect(largeNum(5, false)).toBe('        5')
    expect(largeNum(100_000_000, false)).toBe('  100000K')
    expect(largeNum(1_000_000_000, false)).toBe('    1000M')
    expect(largeNum(123_456_789_012_345, false)).toBe('     123T')
    expect(largeNum(1_000_000_000, true)).toBe(' 1000000000')
  })

  it('sorts services by signed 32-bit differences: 192.168.0.10 before 10.0.0.1, marks ≥ 2^31 first', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 10.0.0.1:80 -s rr',
      'ipvsadm -A -t 192.168.0.10:80 -s rr',
      'ipvsadm -A -f 2882430849 -s wlc',
      'ipvsadm -A -f 5 -s rr',
    )
    expect(sim.run('ipvsadm -Ln').stdout.split('\n').slice(3, 7)).toEqual([
      'FWM  -1412536447 wlc',
      'TCP  192.168.0.10:80 rr',
      'TCP  10.0.0.1:80 rr',
      'FWM  5 rr',
    ])
  })

  it('merge sort is stable like glibc', () => {
    expect(glibcMergeSort([3, 1, 2, 1], (a, b) => a - b)).toEqual([1, 1, 2, 3])
  })

  it('without -n names ports from /etc/services, per protocol; addresses stay numeric', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:443 -s rr',
      'ipvsadm -a -t 192.168.100.100:443 -r 192.168.8.101',
      'ipvsadm -A -u 192.168.100.100:53 -s rr',
    )
    expect(sim.run('ipvsadm -L').stdout).toContain(
      'TCP  192.168.100.100:https rr\n  -> 192.168.8.101:https          Route   1      0          0         \n',
    )
    expect(sim.run('ipvsadm -L').stdout).toContain('UDP  192.168.100.100:domain rr\n')
  })

  it('--stats, --rate, --thresholds and --persistent-conn headers', () => {
    const sim = new Simulator()
    expect(sim.run('ipvsadm -Ln --stats').stdout.split('\n')[1]).toBe(
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
    )
    expect(sim.run('ipvsadm -Ln --rate').stdout.split('\n')[1]).toBe(
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS',
    )
    expect(sim.run('ipvsadm -Ln --thresholds').stdout.split('\n')[1]).toBe(
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ',
    )
    expect(sim.run('ipvsadm -Ln --persistent-conn').stdout.split('\n')[1]).toBe(
      'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn ',
    )
  })

  it('a template of more than 99 minutes shifts the connection columns', () => {
    const s = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 86400',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
    )
    request(s, '10.0.0.1', 40001)
    expect(s.run('ipvsadm -Lnc').stdout).toContain(
      'TCP 1440:00 ASSURED     10.0.0.1:0         192.168.100.100:80 192.168.8.101:80\n',
    )
  })
})

/** Listings the Debian ipvsadm binary printed under scripts/ipvsadm-stub (test/ipvsadm/). */
const wide: {
  setup: string[]
  commands: { cmd: string; stdout: string; stderr: string; exit: number }[]
} = JSON.parse(readFileSync(new URL('../../../../test/ipvsadm/debian-wide-columns.json', import.meta.url), 'utf8'))

describe('numbers wider than their column, as Debian ipvsadm prints them', () => {
  it.each(wide.commands.map((c) => [c.cmd, c] as const))(
    '%s: printf widths are minimums (-w 2147483647 pushes ActiveConn right; FWM 4294967295 is -1)',
    (_, want) => {
      const sim = setup(new Simulator(), ...wide.setup)
      expect(sim.run(want.cmd)).toEqual({ stdout: want.stdout, stderr: want.stderr, exit: want.exit })
    },
  )

  it("--stats: a destination's connections and packets are read as u32 by ipvsadm, its bytes and the service's whole", () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    )
    const svc = sim.director.services[0]
    const n = 2 ** 40 + 5 // 1099511627781, what the stub reported for every counter
    for (const st of [svc.stats, svc.destinations[0].stats]) {
      st.conns = st.inpkts = st.outpkts = st.inbytes = st.outbytes = n
    }
    // Debian ipvsadm 1:1.31-1+b1, IPVSSTUB_STATS=1099511627781 ipvsadm -Ln --stats
    expect(sim.run('ipvsadm -Ln --stats').stdout.split('\n').slice(3, 5)).toEqual([
      'TCP  192.168.100.100:80              1099G    1099G    1099G    1099G    1099G',
      '  -> 192.168.8.101:80                    5        5        5    1099G    1099G',
    ])
    expect(sim.run('ipvsadm -Ln --stats --exact').stdout.split('\n').slice(3, 5)).toEqual([
      'TCP  192.168.100.100:80           1099511627781 1099511627781 1099511627781 1099511627781 1099511627781',
      '  -> 192.168.8.101:80                    5        5        5 1099511627781 1099511627781',
    ])
  })
})
