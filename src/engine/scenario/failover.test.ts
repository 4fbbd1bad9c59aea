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

/** Two directors with keepalived's VRRP, the master losing power at 240 s (docs/two-directors.md). */
describe('failover, with and without the sync daemon', () => {
  const sync = runScenario(load('failover-with-sync.json'), { metrics: true })
  const none = runScenario(load('failover-without-sync.json'), { metrics: true })

  it('the backup takes the VIP 3.609 s after the last advert it heard (3 × advert_int + (256 − 100)/256 s)', () => {
    // the master (priority 150) became master at 3.414 s and adverted every second: last at 239.415 s
    for (const r of [sync, none])
      expect(r.backup?.vip).toEqual([
        { at: 240_000, to: 0, why: 'crash' },
        { at: 243_025, to: 1, why: 'vrrp' },
      ])
  })

  it('keepalived runs the sync daemon as VRRP states change: backup at start, master on taking over', () => {
    const lines = (cmds: { cmd: string; source?: string }[]) =>
      cmds.filter((c) => c.source === 'keepalived' && c.cmd.includes('daemon')).map((c) => c.cmd)
    expect(lines(sync.commands)).toEqual([
      'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51',
      'ipvsadm --stop-daemon backup',
      'ipvsadm --start-daemon master --mcast-interface eth0 --syncid 51',
    ])
    expect(lines(sync.backup?.commands ?? [])).toEqual([
      'ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 51',
      'ipvsadm --stop-daemon backup',
      'ipvsadm --start-daemon master --mcast-interface eth0 --syncid 51',
    ])
    expect(lines(none.commands)).toEqual([])
    // keepalived put the VIP on the backup's eth0 when it took over (`ip` reads it, net/interfaces.ts)
    const addr = sync.backup?.final.outputs.find((o) => o.cmd === 'ip -4 addr show eth0')
    expect(addr?.stdout).toBe(
      '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n' +
        '    inet 10.0.255.253/16 brd 10.0.255.255 scope global eth0\n' +
        '       valid_lft forever preferred_lft forever\n' +
        '    inet 192.168.100.100/32 scope global eth0\n' +
        '       valid_lft forever preferred_lft forever\n',
    )
    const daemon = sync.backup?.final.outputs.find((o) => o.cmd === 'ipvsadm -L --daemon')
    expect(daemon?.stdout).toBe(
      'master sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n',
    )
  })

  it('with sync the backup held the templates: no session broken by the failover; without, sessions break', () => {
    expect(sync.metrics?.brokenSessionsByFailover).toBe(0)
    expect(sync.metrics?.brokenSessions).toBe(0)
    expect(none.metrics?.brokenSessionsByFailover).toBe(12)
    expect(none.metrics?.brokenSessions).toBe(12)
    // the same users, the same connections: only where they landed differs
    expect(sync.metrics?.connections).toBe(none.metrics?.connections)
    const applied = (sync.backup?.sync ?? []).filter((d) => d.from === 0).reduce((n, d) => n + d.applied, 0)
    expect(applied).toBeGreaterThan(0)
    expect(none.backup?.sync).toEqual([])
  })

  it('messages leave the master at most 2 s after their first record and never after it lost power', () => {
    const fromMaster = (sync.backup?.sync ?? []).filter((d) => d.from === 0)
    expect(fromMaster.every((d) => d.at <= 240_000 && d.bytes <= 1472)).toBe(true)
    // after the takeover the backup, now master, sends to a director that is down
    const fromBackup = (sync.backup?.sync ?? []).filter((d) => d.from === 1)
    expect(fromBackup.length).toBeGreaterThan(0)
    expect(fromBackup.every((d) => d.at > 243_025 && d.lost === 'receiver-down')).toBe(true)
  })
})

describe('lab-fault director crash: the button’s line', () => {
  it('gives the run a scenario’s director fault gives', () => {
    const scenario = load('failover-with-sync.json')
    const byLine = runScenario(
      { ...scenario, faults: [], midCommands: [{ at: 240, cmd: 'lab-fault director crash' }] },
      { metrics: true },
    )
    const byFault = runScenario(scenario, { metrics: true })
    expect(byLine.backup?.vip).toEqual(byFault.backup?.vip)
    expect(byLine.metrics).toEqual(byFault.metrics)
    expect(byLine.commands.find((c) => c.cmd === 'lab-fault director crash')?.exit).toBe(0)
  })

  it('ssh reaches the other director by name or address; one without power does not answer', () => {
    const r = runScenario(
      {
        ...load('failover-with-sync.json'),
        midCommands: [
          { at: 60, cmd: 'ssh backup ipvsadm -L --daemon' },
          { at: 60, cmd: 'ssh 10.0.255.253 cat /proc/net/ip_vs_conn_sync | grep -c SYNC' },
          { at: 250, cmd: 'ssh director true' },
        ],
      },
      { metrics: true },
    )
    const out = (cmd: string) => r.commands.find((c) => c.cmd === cmd)
    expect(out('ssh backup ipvsadm -L --daemon')?.stdout).toBe(
      'backup sync daemon (mcast=eth0, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n',
    )
    expect(Number(out('ssh 10.0.255.253 cat /proc/net/ip_vs_conn_sync | grep -c SYNC')?.stdout)).toBeGreaterThan(0)
    expect(out('ssh director true')).toMatchObject({
      stderr: 'ssh: connect to host 10.0.255.254 port 22: No route to host\n',
      exit: 255,
    })
  })

  it('is refused with one director, and for anything but a crash', () => {
    const one = runScenario({
      until: 1,
      commands: ['lab-fault director crash', 'lab-fault backup hang'],
      connections: [],
      midCommands: [],
      snapshots: [],
    })
    expect(one.commands.map((c) => [c.exit, c.stderr])).toEqual([
      [2, `lab-fault: 'director': this lab has one director (a scenario's "backup" adds a second)\n`],
      [2, `lab-fault: 'backup': this lab has one director (a scenario's "backup" adds a second)\n`],
    ])
    const p = runScenario({
      ...load('failover-with-sync.json'),
      until: 1,
      traffic: undefined,
      faults: [],
      midCommands: [{ at: 0.5, cmd: 'lab-fault backup hang' }],
    })
    expect(p.commands.at(-1)?.stderr).toBe(
      'lab-fault: a director can only crash (lose power) for good: lab-fault backup crash\n',
    )
  })
})

describe('the scenario fields of a second director', () => {
  const base = { until: 10, backup: { commands: [] } }
  it('a director crashes for good, and only a backup that exists', () => {
    expect(validateScenario({ ...base, faults: [{ at: 1, host: 'director', kind: 'hang' }] })).toEqual({
      ok: false,
      error: 'faults[0]: a director can only crash (lose power) for good: "kind": "crash", no "until"',
    })
    expect(validateScenario({ until: 10, faults: [{ at: 1, host: 'backup', kind: 'crash' }] })).toEqual({
      ok: false,
      error: 'faults[0].host: "backup" needs a "backup" director',
    })
    expect(validateScenario({ ...base, faults: [{ at: 1, host: 'director', kind: 'crash' }] }).ok).toBe(true)
    expect(validateScenario({ ...base, faults: [{ at: 1, host: 'router', kind: 'crash' }] })).toMatchObject({
      ok: false,
      error: expect.stringContaining('faults[0].host'),
    })
  })
})
