import { describe, expect, it } from 'vitest'
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
})
