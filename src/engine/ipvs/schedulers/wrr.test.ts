import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { connect, setup } from '../../testkit'

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
