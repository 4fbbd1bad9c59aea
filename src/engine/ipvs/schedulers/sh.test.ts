import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { connect, ip, setup } from '../../testkit'
import { hash32 } from './sh'

describe('sh', () => {
  it('hashes with the kernel hash_32 (golden: sh-no-persistence → buckets 39,137,235,77)', () => {
    expect(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((a) => hash32(ip(a), 8))).toEqual([39, 137, 235, 77])
  })

  it('maps a client to the same server while the set is unchanged, and fills buckets by weight', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s sh',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 1',
    )
    // list .102,.101: even buckets → .102, odd → .101; 10.0.0.1..4 hash to odd buckets
    for (let round = 0; round < 3; round++)
      for (let i = 1; i <= 4; i++)
        expect(connect(sim, `10.0.0.${i}`, 40000 + round * 10 + i).rs).toBe('192.168.8.101:80')
  })

  it('sh-port hashes the source port too; sh-fallback finds another server for a quiescent bucket', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s sh -b sh-fallback',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 1',
      'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -w 0',
    )
    expect(connect(sim, '10.0.0.1', 40001).rs).toBe('192.168.8.102:80')
    const noFallback = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s sh',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -w 1',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 1',
      'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -w 0',
    )
    // the weight-0 server still owns its buckets (weight 0 takes one per round), and without fallback: refused
    expect(connect(noFallback, '10.0.0.1', 40001).rs).toBeNull()
  })
})
