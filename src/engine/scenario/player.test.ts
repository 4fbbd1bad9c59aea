import { describe, expect, it } from 'vitest'
import type { SimMs } from '../sim/time'
import { ScenarioPlayer } from './player'
import { validateScenario } from './schema'

describe('the scenario player', () => {
  it('sends the datagrams of a sub-millisecond interval at whole milliseconds (the clock never holds a fraction)', () => {
    const check = validateScenario({
      seed: 3,
      commands: ['ipvsadm -A -u 192.168.100.100:53 -s rr', 'ipvsadm -a -u 192.168.100.100:53 -r 192.168.8.101 -g'],
      until: 30,
      traffic: {
        users: 20,
        duration: 20,
        session: { otherPorts: [{ probability: 1, proto: 'udp', port: 53, packets: 4, interval: 0.0001 }] },
      },
    })
    if (!check.ok) throw new Error(check.error)
    const player = new ScenarioPlayer(check.scenario)
    const times: number[] = []
    player.setListener({ attempt: (a) => times.push(a.at) })
    while (player.step()) expect(Number.isInteger(player.now)).toBe(true)
    expect(times.length).toBeGreaterThan(0)
    expect(times.every(Number.isInteger)).toBe(true)
    expect(player.sim.run('ipvsadm -Ln --stats').stdout).toMatch(/UDP {2}192\.168\.100\.100:53 +\d+ +\d+/)
  })

  it('plans users as the clock reaches them, a second ahead, not the whole run when its queue is empty', () => {
    const check = validateScenario({
      seed: 5,
      commands: [
        'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
        'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g',
      ],
      until: 3600,
      traffic: { users: 3600, duration: 3600, arrivals: 'uniform' },
    })
    if (!check.ok) throw new Error(check.error)
    const player = new ScenarioPlayer(check.scenario)
    const generator = player.generator
    if (!generator) throw new Error('no traffic')
    // one user a second: the first event is the first user's, at 0.5 s
    expect(player.step()).toBe(true)
    expect(generator.users.length).toBeLessThanOrEqual(3)
    // ten minutes later, about six hundred users, not the hour's 3600
    player.advanceTo(600_000 as SimMs)
    expect(generator.users.length).toBeGreaterThanOrEqual(600)
    expect(generator.users.length).toBeLessThanOrEqual(603)
    while (player.step());
    expect(generator.users.length).toBe(3600)
  })
})
