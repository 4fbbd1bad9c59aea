import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { at, request, setup } from '../testkit'

const rs = (i: number) => `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:80`

describe('destinations: the kernel list, indexed', () => {
  it('65,535 real servers: each added once, listed newest first unsorted, found by ipvsadm -e and -d', {
    timeout: 120_000,
  }, () => {
    const sim = setup(new Simulator(), 'ipvsadm -A -t 192.168.100.100:80 -s wlc')
    for (let i = 1; i <= 65_535; i++) expect(sim.run(`ipvsadm -a -t 192.168.100.100:80 -r ${rs(i)} -g`).exit).toBe(0)
    const again = sim.run(`ipvsadm -a -t 192.168.100.100:80 -r ${rs(40_000)} -g`)
    expect(again.stderr).toBe('Destination already exists\n')
    const svc = sim.director.services[0]
    expect(svc.destinations.length).toBe(65_535)
    expect(svc.destinations[0].port).toBe(80)
    // list_add_rcu(): the newest is at the head, as ipvsadm -Ln --nosort shows
    expect(sim.run('ipvsadm -Ln --nosort').stdout.split('\n')[4]).toContain(rs(65_535).replace(':80', ''))
    expect(sim.run(`ipvsadm -e -t 192.168.100.100:80 -r ${rs(12_345)} -g -w 7`).exit).toBe(0)
    expect(svc.findDest(svc.destinations[65_535 - 12_345].addr, 80)?.weight).toBe(7)
    expect(sim.run(`ipvsadm -d -t 192.168.100.100:80 -r ${rs(12_345)}`).exit).toBe(0)
    expect(sim.run(`ipvsadm -d -t 192.168.100.100:80 -r ${rs(12_345)}`).stderr).toBe('No such destination\n')
    expect(svc.destinations.length).toBe(65_534)
    expect(sim.director.checkInvariants()).toEqual([])
  })

  it('a deleted destination still in use waits in the trash and is revived, counters and all, when added again', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 60',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
    )
    expect(request(sim, '10.0.0.1', 40001)).toBe('192.168.8.101:80')
    const dest = sim.director.services[0].destinations[0]
    sim.run('ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101')
    expect([...sim.director.trash]).toEqual([dest])
    at(sim, 10)
    sim.run('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g -w 3')
    expect(sim.director.services[0].destinations[0]).toBe(dest)
    expect(sim.director.trash.size).toBe(0)
    expect(dest.weight).toBe(3)
    expect(sim.run('ipvsadm -Ln --stats').stdout).toMatch(/-> 192\.168\.8\.101:80\s+1\s/)
    // the template made before the delete still points at it
    expect(request(sim, '10.0.0.1', 40002)).toBe('192.168.8.101:80')
    expect(sim.director.checkInvariants()).toEqual([])
  })

  it('the trash matches on the service identity: another VIP gets a new destination', () => {
    const sim = setup(
      new Simulator(),
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 60',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      'ipvsadm -A -t 192.168.100.101:80 -s rr',
    )
    request(sim, '10.0.0.1', 40001)
    const dest = sim.director.services[0].destinations[0]
    sim.run('ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101')
    sim.run('ipvsadm -a -t 192.168.100.101:80 -r 192.168.8.101 -g')
    expect(sim.director.services[1].destinations[0]).not.toBe(dest)
    expect(sim.director.trash.has(dest)).toBe(true)
  })
})
