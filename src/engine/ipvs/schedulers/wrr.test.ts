import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { connect, setup } from '../../testkit'
import type { Destination } from '../destination'
import type { Service } from '../service'
import { wrr } from './wrr'

const last = (s: string | null) => s?.split('.')[3].split(':')[0]
function sequence(weights: number[], n: number): string[] {
  const sim = setup(new Simulator(), 'ipvsadm -A -t 192.168.100.100:80 -s wrr')
  for (const [i, w] of weights.entries()) {
    setup(sim, `ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.${101 + i} -w ${w}`)
  }
  return Array.from({ length: n }, (_, i) => last(connect(sim, `10.0.${i >> 8}.${i & 255}`, 40000 + i).rs) as string)
}

describe('wrr', () => {
  it('first visits every server once, newest first, because cw is kept across -a (golden: schedulers-first-picks)', () => {
    expect(sequence([1, 2, 3], 6)).toEqual(['103', '102', '101', '103', '103', '102'])
  })

  it('then follows the weights in bursts, not smoothly', () => {
    // weights 4,3,2 added .101,.102,.103: first round .103,.102,.101, then cw 4: .101; 3: .102,.101; 2: .103,.102,.101; 1: all
    expect(sequence([4, 3, 2], 12)).toEqual([
      '103',
      '102',
      '101',
      '101',
      '102',
      '101',
      '103',
      '102',
      '101',
      '103',
      '102',
      '101',
    ])
  })

  it('gives each server its weight share over a full cycle', () => {
    const seq = sequence([5, 2, 1], 3 + 8 * 10)
    const cycle = seq.slice(3)
    const count = (s: string) => cycle.filter((x) => x === s).length
    expect([count('101'), count('102'), count('103')]).toEqual([50, 20, 10])
  })

  it('uses the gcd of the weights as the step', () => {
    // .101=2, .102=4 (gcd 2, mw 3): cw 1 round .102,.101; cw 3: .102; cw 1: .102,.101 …
    expect(sequence([2, 4], 6)).toEqual(['102', '101', '102', '102', '101', '102'])
  })
})

/** ip_vs_wrr_schedule() transliterated, one pass per step of cw, as the kernel runs it. */
function kernelWrr(list: readonly Destination[], s: { cl: Destination | null; cw: number; mw: number; di: number }) {
  if (s.mw === 0) return null
  let pos = s.cl === null ? -1 : list.indexOf(s.cl)
  const lastPos = pos
  let stop: number | null = null
  let lastPass = false
  let restarted = false
  for (;;) {
    for (let i = pos + 1; i < list.length; i++) {
      if (!list[i].overloaded && list[i].weight >= s.cw) {
        s.cl = list[i]
        return list[i]
      }
      if (stop !== null && i === stop) {
        s.cl = list[i]
        return null
      }
    }
    pos = -1
    s.cw -= s.di
    if (s.cw <= 0) {
      s.cw = s.mw
      if (lastPass || lastPos === -1) {
        s.cl = null
        return null
      }
      restarted = true
    }
    lastPass = s.cw <= s.di
    if (lastPass && restarted && lastPos !== -1) stop = lastPos
  }
}

describe('wrr with large weights', () => {
  const dests = (spec: { weight: number; overloaded: boolean }[]) =>
    spec.map((d, i) => ({ ...d, id: i }) as unknown as Destination)
  const service = (list: Destination[]) => ({ destinations: list }) as unknown as Service

  it('picks as the kernel loop does, pass by pass, for any weights and overloaded servers (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ weight: fc.integer({ min: 0, max: 40 }), overloaded: fc.boolean() }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.nat(4), { minLength: 1, maxLength: 30 }),
        (spec, flips) => {
          const list = dests(spec)
          const svc = service(list)
          const fast = wrr.init(svc)
          const slow = { ...fast }
          for (const f of flips) {
            // between picks a server may become overloaded or not (its connection counts moved)
            if (f < list.length) list[f].overloaded = !list[f].overloaded
            const a = wrr.schedule(svc, fast, {} as never, {} as never)
            const b = kernelWrr(list, slow)
            expect(a).toBe(b)
            expect(fast).toEqual(slow)
          }
        },
      ),
      { seed: 20261208, numRuns: 400 },
    )
  })

  it('-w 2147483647 overloaded beside -w 1: the light server is picked without 2^31 passes', () => {
    // Debian's ipvsadm takes -w up to INT_MAX; the kernel then steps cw down by the gcd (1) once per pass
    const list = dests([
      { weight: 2147483647, overloaded: true },
      { weight: 1, overloaded: false },
    ])
    const svc = service(list)
    const s = wrr.init(svc)
    expect(s).toMatchObject({ cw: 2147483647, mw: 2147483647, di: 1 })
    expect(wrr.schedule(svc, s, {} as never, {} as never)).toBe(list[1])
    expect(s.cw).toBe(1)
    list[0].overloaded = false
    // cw restarts from mw after the pass at 1: the heavy server again
    expect(wrr.schedule(svc, s, {} as never, {} as never)).toBe(list[0])
    expect(s.cw).toBe(2147483647)
  })
})
