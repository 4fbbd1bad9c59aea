import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runScenario } from './run'
import { parseScenario, validateScenario } from './schema'

const load = (name: string) => {
  const p = parseScenario(readFileSync(join(import.meta.dirname, '../../../public/scenarios', name), 'utf8'))
  if (!p.ok) throw new Error(p.error)
  return p.scenario
}

describe('scenarios with keepalived and faults', () => {
  const trap = runScenario(load('keepalived-inhibit-on-failure.json'), { metrics: true })
  const expire = runScenario(load('keepalived-inhibit-on-failure-expire.json'), { metrics: true })

  it("records keepalived's ipvsadm lines among the commands, at their times, with source keepalived", () => {
    const ka = trap.commands.filter((c) => c.source === 'keepalived')
    expect(ka.map((c) => c.cmd)).toEqual([
      'ipvsadm -A -t 192.168.100.100:80 -s rr -p 300',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 2',
      'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102:80 -g -w 2',
      'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 0',
      'ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101:80 -g -w 2',
    ])
    // the crash at 180 s is seen within delay_loop, then 3 retries 3 s apart; it recovers at 420 s
    expect(ka[3].at).toBeGreaterThan(180 + 9)
    expect(ka[3].at).toBeLessThanOrEqual(180 + 6 + 9)
    expect(ka[4].at).toBeGreaterThan(420)
    expect(ka[4].at).toBeLessThanOrEqual(420 + 6)
    expect(ka.every((c) => c.exit === 0)).toBe(true)
    expect(trap.snapshots[0].outputs[0].stdout).toMatch(/192\.168\.8\.101:80 +Route +0 /)
  })

  it('the trap: with expire_quiescent_template=0 templates keep sending clients to the dead server', () => {
    const t = trap.metrics
    const e = expire.metrics
    expect(t?.brokenSessionsByFailover).toBe(0)
    // with 0 every client holding a template for .101 fails until .101 is back; with 1 only those
    // before keepalived noticed, and the clients rescheduled lose their sessions instead
    expect(t?.failedConnections).toBeGreaterThan(3 * (e?.failedConnections ?? 0))
    expect(t?.brokenSessions).toBe(0)
    expect(e?.brokenSessions).toBeGreaterThan(0)
    const refusedByDead = trap.final.outputs[1].stdout
    expect(refusedByDead).toContain('Disabling service [192.168.8.101]:tcp:80 of VS [192.168.100.100]:tcp:80')
  })

  it('is deterministic', () => {
    const again = runScenario(load('keepalived-inhibit-on-failure.json'), { metrics: true })
    expect(JSON.stringify(again)).toBe(JSON.stringify(trap))
  })

  it('a fault without keepalived: a crashed server refuses, a hung one lets the SYNs time out', () => {
    const base = {
      until: 200,
      commands: ['ipvsadm -A -t 10.1.1.1:80 -s rr', 'ipvsadm -a -t 10.1.1.1:80 -r 192.168.8.101 -g'],
      connections: [
        { at: 1, client: '10.0.0.1', clientPort: 40000, proto: 'tcp', vip: '10.1.1.1', vport: 80, hold: 1 },
        { at: 20, client: '10.0.0.2', clientPort: 40000, proto: 'tcp', vip: '10.1.1.1', vport: 80, hold: 1 },
      ],
    }
    for (const [kind, status] of [
      ['crash', 'connect-failed: ECONNREFUSED'],
      ['hang', 'connect-failed: ETIMEDOUT'],
    ] as const) {
      const v = validateScenario({ ...base, faults: [{ at: 10, host: '192.168.8.101', kind }] })
      if (!v.ok) throw new Error(v.error)
      const r = runScenario(v.scenario, { metrics: true })
      expect(r.connections.map((c) => c.status)).toEqual(['connected', status])
      expect(r.metrics?.failedConnections).toBe(1)
      expect(r.metrics?.realServers[0].failedConnections).toBe(1)
      // the crashed server's RST refused the connection: no real server took it
      expect(r.metrics?.refused).toBe(kind === 'crash' ? 1 : 0)
      expect(r.metrics?.realServers[0].connections).toBe(1)
    }
  })

  it('a lab-fault line at a time gives the same run as the scenario field faults', () => {
    const sc = load('keepalived-inhibit-on-failure.json')
    const [f] = sc.faults ?? []
    expect(f).toMatchObject({ at: 180, host: '192.168.8.101', kind: 'crash', until: 420 })
    const v = validateScenario({
      ...sc,
      faults: undefined,
      midCommands: [
        ...sc.midCommands,
        { at: 180, cmd: 'lab-fault 192.168.8.101 crash' },
        { at: 420, cmd: 'lab-fault 192.168.8.101 recover' },
      ],
    })
    if (!v.ok) throw new Error(v.error)
    const byLine = runScenario(v.scenario, { metrics: true })
    const keepalived = (r: typeof trap) => r.commands.filter((c) => c.source === 'keepalived')
    expect(keepalived(byLine)).toEqual(keepalived(trap))
    expect(byLine.metrics).toEqual(trap.metrics)
    expect(byLine.connections).toEqual(trap.connections)
    expect(byLine.final).toEqual(trap.final)
  })

  it('a fault begun by lab-fault in a scenario without faults is counted', () => {
    const v = validateScenario({
      until: 30,
      commands: ['ipvsadm -A -t 10.1.1.1:80 -s rr', 'ipvsadm -a -t 10.1.1.1:80 -r 192.168.8.101 -g'],
      midCommands: [{ at: 5, cmd: 'lab-fault 192.168.8.101 crash' }],
      connections: [
        { at: 10, client: '10.0.0.2', clientPort: 40000, proto: 'tcp', vip: '10.1.1.1', vport: 80, hold: 1 },
      ],
    })
    if (!v.ok) throw new Error(v.error)
    const r = runScenario(v.scenario, { metrics: true })
    expect(r.connections[0].status).toBe('connect-failed: ECONNREFUSED')
    expect(r.metrics?.failedConnections).toBe(1)
    expect(r.metrics?.refused).toBe(1)
  })

  it('checks the new fields', () => {
    expect(validateScenario({ until: 5, faults: [{ at: 1, host: '192.168.8.101', kind: 'melt' }] })).toEqual({
      ok: false,
      error: 'faults[0].kind: expected "crash", "hang", "slow" or "http-status"',
    })
    expect(validateScenario({ until: 5, faults: [{ at: 3, host: '192.168.8.101', kind: 'crash', until: 2 }] })).toEqual(
      {
        ok: false,
        error: 'faults[0].until: must come after at',
      },
    )
    expect(validateScenario({ until: 5, files: { '/tmp/x': 'y' } }).ok).toBe(false)
  })
})
