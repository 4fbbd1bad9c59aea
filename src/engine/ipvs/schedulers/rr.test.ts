import { describe, expect, it } from 'vitest'
import { Simulator } from '../../host/simulator'
import { request, setup } from '../../testkit'

const picks = (sim: Simulator, n: number) =>
  Array.from({ length: n }, (_, i) => request(sim, `10.0.0.${i + 1}`, 40000 + i))

describe('rr', () => {
  it('starts with the most recently added real server', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
    )
    expect(picks(sim, 4)).toEqual(['192.168.8.102:80', '192.168.8.101:80', '192.168.8.103:80', '192.168.8.102:80'])
  })

  it('skips quiescent and overloaded servers but never moves on without a pick', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -w 0',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103',
    )
    expect(picks(sim, 3)).toEqual(['192.168.8.103:80', '192.168.8.101:80', '192.168.8.103:80'])
  })

  it('moves the cursor to the predecessor when the current server is deleted', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.103',
    )
    expect(picks(sim, 2)).toEqual(['192.168.8.103:80', '192.168.8.102:80'])
    setup(sim, 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102')
    // list is .103, .101; the cursor went back to .103, so .101 is next.
    expect(request(sim, '10.0.1.1', 41000)).toBe('192.168.8.101:80')
  })

  it('refuses a new client when every server has weight 0', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:81 -s rr',
      'ipvsadm -a -t 192.168.100.100:81 -r 192.168.8.101 -w 0',
    )
    expect(request(sim, '10.0.0.2', 40002, 81)).toBeNull()
  })
})
