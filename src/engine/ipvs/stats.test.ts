import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import type { SimMs } from '../sim/time'
import { request, setup } from '../testkit'

const CONFIG = [
  'ipvsadm -A -t 192.168.100.100:80 -s rr',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -m',
  'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -m',
]

describe('the rate estimator at rest', () => {
  it('resting through idle time gives the same --rate as ticking every 2 s, at any phase', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // quiet gaps from a few ms to hours, so resting and waking land on every phase of the tick
            gapMs: fc.oneof(
              fc.constantFrom(0, 1000, 2000, 4000),
              fc.integer({ min: 0, max: 4000 }),
              fc.integer({ min: 4000, max: 4 * 3600_000 }),
            ),
            requests: fc.integer({ min: 0, max: 30 }),
            // packets before the timers due at that very ms (a tick on the boundary sees them)
            inclusive: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        (steps) => {
          const resting = setup(new Simulator(), ...CONFIG)
          const ticking = setup(new Simulator(), ...CONFIG)
          ticking.director.estimatorMayRest = false
          let t = 0
          let port = 1024
          for (const { gapMs, requests, inclusive } of steps) {
            t += gapMs
            for (const sim of [resting, ticking]) {
              sim.advanceTo(t as SimMs, inclusive)
              for (let i = 0; i < requests; i++) request(sim, `10.0.0.${1 + (i % 7)}`, port + i)
            }
            port += requests
            for (const cmd of ['ipvsadm -Ln --rate', 'ipvsadm -Ln --stats'])
              expect(resting.run(cmd).stdout).toBe(ticking.run(cmd).stdout)
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('rates decay to 0 after traffic stops, and come back when it starts again', () => {
    const sim = setup(new Simulator(), ...CONFIG)
    for (let i = 0; i < 50; i++) request(sim, '10.0.0.1', 2000 + i)
    sim.advanceTo(2000 as SimMs)
    // 50 connections in the first 2 s: 25/s, and the EWMA takes a quarter of it at the first tick
    expect(sim.run('ipvsadm -Ln --rate').stdout).toMatch(/TCP {2}192\.168\.100\.100:80\s+6\s/)
    sim.advanceTo((365 * 86400_000) as SimMs)
    expect(sim.run('ipvsadm -Ln --rate').stdout).toMatch(/TCP {2}192\.168\.100\.100:80\s+0\s+0/)
    for (let i = 0; i < 50; i++) request(sim, '10.0.0.1', 3000 + i)
    sim.advanceTo((365 * 86400_000 + 2000) as SimMs)
    expect(sim.run('ipvsadm -Ln --rate').stdout).toMatch(/TCP {2}192\.168\.100\.100:80\s+6\s/)
  })
})

describe('-Z against the estimator’s last copy (6.1.192 ip_vs_zero_stats(): kstats0 = kstats)', () => {
  const conns = (sim: Simulator) =>
    sim
      .run('ipvsadm -Ln --stats')
      .stdout.split('\n')
      .filter((l) => l.startsWith('TCP') || l.startsWith('  -> 192'))
      .map((l) => Number(l.trim().split(/ +/)[2]))
  it('a connection since the last 2 s tick still shows after -Z; one before it is zeroed', () => {
    const sim = setup(new Simulator(), ...CONFIG)
    sim.advanceTo(500 as SimMs)
    request(sim, '10.0.0.1', 40001)
    sim.advanceTo(1000 as SimMs)
    setup(sim, 'ipvsadm -Z')
    // no tick yet (the first is at 2 s): kstats is still 0, so nothing was zeroed
    expect(conns(sim)).toEqual([1, 0, 1])
    sim.advanceTo(3000 as SimMs) // the tick at 2 s copied it
    request(sim, '10.0.0.2', 40002)
    sim.advanceTo(3500 as SimMs)
    setup(sim, 'ipvsadm -Z')
    // the first connection was in the copy; the second came after it and stays
    expect(conns(sim)).toEqual([1, 1, 0])
    sim.advanceTo(5000 as SimMs)
    setup(sim, 'ipvsadm -Z') // the tick at 4 s copied it
    expect(conns(sim)).toEqual([0, 0, 0])
  })

  it('the rate after -Z counts what came in between the last tick and -Z (last_* = kstats)', () => {
    const sim = setup(new Simulator(), ...CONFIG)
    sim.advanceTo(2500 as SimMs)
    for (let i = 0; i < 8; i++) request(sim, '10.0.0.1', 40001 + i)
    setup(sim, 'ipvsadm -Z')
    expect(sim.run('ipvsadm -Ln --rate').stdout).toContain('TCP  192.168.100.100:80                  0')
    // the tick at 4 s: 8 conns since last_conns = kstats (0 at the 2 s tick): cps (8·512/4 + 0x1FF) >> 10 = 1
    sim.advanceTo(4000 as SimMs)
    expect(sim.run('ipvsadm -Ln --rate').stdout).toMatch(/TCP {2}192\.168\.100\.100:80 +1 /)
  })
})
