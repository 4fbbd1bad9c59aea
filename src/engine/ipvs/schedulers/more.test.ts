import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { connect, request, setup } from '../../testkit'

const svc = (sched: string, weights: number[], flags = '') => {
  const sim = setup(new Simulator(), `ipvsadm -A -t 192.168.100.100:80 -s ${sched} ${flags}`)
  weights.forEach((w, i) => {
    setup(sim, `ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.${101 + i} -w ${w}`)
  })
  return sim
}
const last3 = (rs: string | null) => rs?.split(':')[0].slice(-3) ?? null
const picks = (sim: Simulator, n: number, base = 1, port = 40000) =>
  Array.from({ length: n }, (_, i) => last3(connect(sim, `10.0.${(base + i) >> 8}.${(base + i) & 255}`, port + i).rs))

describe('the other 6.1 schedulers (first picks as in golden schedulers-first-picks, weights 1/2/3)', () => {
  it.each([
    ['sed', ['103', '102', '103', '103', '102', '101']],
    ['nq', ['103', '102', '101', '103', '103', '102']],
    ['fo', ['103', '103', '103', '103', '103', '103']],
    ['ovf', ['103', '103', '103', '103', '102', '102']],
    ['lblc', ['103', '103', '103', '103', '102', '102']],
    ['lblcr', ['103', '103', '103', '103', '102', '102']],
    ['dh', ['102', '102', '102', '102', '102', '102']],
  ])('%s', (sched, expected) => {
    expect(picks(svc(sched, [1, 2, 3]), 6)).toEqual(expected)
  })

  it('mh builds its 4093-slot table from hsiphash and picks as the kernel (golden: 10.0.12.1–6 on :8012)', () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -t 192.168.100.100:8012 -s mh')
    for (const [i, w] of [1, 2, 3].entries())
      setup(sim, `ipvsadm -a -t 192.168.100.100:8012 -r 192.168.8.${101 + i} -w ${w}`)
    const got = Array.from({ length: 6 }, (_, i) => last3(connect(sim, `10.0.12.${i + 1}`, 41200 + i, 8012).rs))
    expect(got).toEqual(['103', '103', '102', '103', '102', '102'])
  })

  it('mh keeps its table when a server is quiesced (it uses last_weight), and mh-fallback moves its clients', () => {
    const sim = svc('mh', [1, 1, 1], '-b mh-fallback')
    const before = picks(sim, 40)
    setup(sim, 'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.102 -w 0')
    const after = picks(sim, 40, 1, 45000)
    for (let i = 0; i < 40; i++) if (before[i] !== '102') expect(after[i]).toBe(before[i])
    expect(after).not.toContain('102')
  })

  it('sh and mh map a client to the same server while the set of servers is unchanged (property)', () => {
    for (const sched of ['sh', 'mh']) {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 0xfffffff }), { minLength: 1, maxLength: 30 }),
          fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
          (clients, weights) => {
            const sim = svc(sched, weights)
            const addr = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
            const first = clients.map((c, i) => request(sim, addr(c), 30000 + i))
            const second = clients.map((c, i) => request(sim, addr(c), 31000 + i))
            expect(second).toEqual(first)
          },
        ),
        { seed: 17, numRuns: 60 },
      )
    }
  })

  it('nq with UDP (never active) always takes the first usable server in list order', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -u 192.168.100.100:53 -s nq',
      'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.101 -w 1',
      'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.102 -w 5',
    )
    for (let i = 0; i < 5; i++) {
      const rs = sim.udpSend(0x0a000001 as never, (50000 + i) as never, 0xc0a86464 as never, 53 as never)
      expect(rs).toBe('192.168.8.102:53')
    }
  })
})

describe('sh and mh with weights up to INT_MAX (Debian ipvsadm takes -w 0…2147483647)', () => {
  const clients = (sim: Simulator) =>
    Array.from({ length: 64 }, (_, i) => request(sim, `10.1.${i}.${(i * 37) & 255}`, 42000 + i))

  it('sh: a server takes `weight` buckets of 256 in a row (ip_vs_sh_reassign(), int d_count), so 2147483647 takes them all', () => {
    const huge = clients(svc('sh', [1, 2147483647]))
    expect(new Set(huge)).toEqual(new Set(['192.168.8.102:80']))
    // the same table as weight 256: every bucket is the newest server's before its count runs out
    expect(clients(svc('sh', [1, 256]))).toEqual(huge)
  })

  it('mh: weights are divided by their gcd and shifted to 6 bits (ip_vs_mh_shift_weight(): fls(2147483647) - 6 = 25)', () => {
    // 2147483647 >> 25 = 63 turns, 1 >> 25 = 0 → `?: (lw != 0)` = 1 turn: the table of weights 63 and 1
    const huge = clients(svc('mh', [2147483647, 1]))
    expect(clients(svc('mh', [63, 1]))).toEqual(huge)
    expect(new Set(huge).size).toBe(2)
  })
})
