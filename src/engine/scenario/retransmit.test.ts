/**
 * The clients' own TCP as the scenario player drives it: what the director dropped is sent again
 * on Linux's retransmission timer (host/tcpRetransmit.ts: tcp_retransmit_timer(),
 * tcp_write_timeout(), tcp_orphan_retries()), through the same path as the first copy.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ORPHAN_FIN_SCHEDULE, SYN_SCHEDULE } from '../host/tcpRetransmit'
import { type ClientAttempt, ScenarioPlayer } from './player'
import { runScenario } from './run'
import { type Scenario, validateScenario } from './schema'

const SERVICE = ['ipvsadm -A -t 192.168.100.100:80 -s rr', 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g']
const DROP_SYN = 'iptables -A INPUT -p tcp --dport 80 --syn -j DROP'

function scenario(s: Record<string, unknown>): Scenario {
  const check = validateScenario(s)
  if (!check.ok) throw new Error(check.error)
  return check.scenario
}

const conn = (at: number, port: number, hold: number) => ({
  at,
  client: '10.0.0.1',
  clientPort: port,
  proto: 'tcp',
  vip: '192.168.100.100',
  vport: 80,
  hold,
})

function play(s: Scenario): { player: ScenarioPlayer; attempts: ClientAttempt[] } {
  const player = new ScenarioPlayer(s, { metrics: true })
  const attempts: ClientAttempt[] = []
  player.setListener({ attempt: (a) => attempts.push(a) })
  while (player.step()) {
    // every event
  }
  return { player, attempts }
}

describe("the clients' retransmissions (tcp_retransmit_timer())", () => {
  it('tcp_retransmit_timer(): a SYN dropped by iptables goes again at 1 and 3 s; the one at 7 s, after the rule went, connects (its hold counts from then)', () => {
    const { player, attempts } = play(
      scenario({
        commands: [...SERVICE, DROP_SYN],
        connections: [conn(0, 40001, 10)],
        midCommands: [{ at: 5, cmd: 'iptables -D INPUT -p tcp --dport 80 --syn -j DROP' }],
        until: 30,
      }),
    )
    expect(attempts.map((a) => [a.at, a.status])).toEqual([[7000, 'connected']])
    expect(player.connections[0].rs).toBe('192.168.8.101:80')
    expect(player.clientOf(0)?.synRetries).toBe(3)
    // IPVS counted the SYN that passed, its ACK, the FIN and its ACK: 4 packets, 1 connection
    expect(player.sim.run('ipvsadm -Ln --stats').stdout).toMatch(/-> 192\.168\.8\.101:80 +1 +4 +0 +216 +0/)
  })

  it("every copy of the SYN walks the rules: the DROP rule's counter (ipt_do_table()) reads 3 after 3 s", () => {
    const s = scenario({
      commands: [...SERVICE, DROP_SYN],
      connections: [conn(0, 40001, 10)],
      snapshots: [{ at: 4, cmds: ['iptables -L INPUT -v -n -x'] }],
      until: 5,
    })
    const run = runScenario(s)
    expect(run.snapshots[0].outputs[0].stdout).toMatch(/^ +3 +180 DROP +6 /m)
  })

  it('tcp_write_timeout(): SYNs never answered fail with ETIMEDOUT at 129.0 s (after 6 retransmissions), counted in --metrics', () => {
    const s = scenario({ commands: [...SERVICE, DROP_SYN], connections: [conn(2, 40001, 10)], until: 10 })
    const { player, attempts } = play(s)
    expect(attempts.map((a) => [a.at, a.status])).toEqual([[2000 + 129_048, 'connect-failed: ETIMEDOUT']])
    expect(player.clientOf(0)?.synRetries).toBe(SYN_SCHEDULE.retransmits)
    // the recorder's connect() blocked until then: the run lasts until the failure
    expect(player.lastEventMs).toBe(131_048)
    const run = runScenario(s, { metrics: true })
    expect(run.final.at).toBe(131.048)
    expect(run.connections[0].status).toBe('connect-failed: ETIMEDOUT')
    expect(run.metrics?.connections).toBe(1)
    expect(run.metrics?.refused).toBe(0)
    expect(run.metrics?.timedOut).toEqual({ connect: 1, close: 0 })
  })

  it('a SYN the SIP persistence engine refuses (no Call-ID in a TCP packet: ip_vs_sched_persist() drops it) goes again until ETIMEDOUT; IPVS counts none', () => {
    const run = runScenario(
      scenario({
        commands: [
          'ipvsadm -A -t 192.168.100.100:5060 -s rr -p 60 --pe sip',
          'ipvsadm -a -t 192.168.100.100:5060 -r 192.168.8.101 -g',
        ],
        connections: [{ ...conn(0, 40001, 5), vport: 5060 }],
        finalCmds: ['ipvsadm -Ln --stats', 'ipvsadm -Lnc'],
        until: 5,
      }),
      { metrics: true },
    )
    expect(run.connections[0].status).toBe('connect-failed: ETIMEDOUT')
    expect(run.final.at).toBe(129.048)
    expect(run.metrics?.timedOut).toEqual({ connect: 1, close: 0 })
    expect(run.final.outputs[0].stdout).toMatch(/TCP {2}192\.168\.100\.100:5060 +0 +0 +0 +0 +0/)
    expect(run.final.outputs[1].stdout.split('\n').filter((l) => l.startsWith('TCP'))).toEqual([])
  })

  it('a FIN dropped by IPVS (its real server deleted, expire_nodest_conn=0) goes again 8 times, unseen by --stats; the orphan gives up at 104.2 s', () => {
    const s = scenario({
      commands: [...SERVICE, 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g'],
      connections: [conn(0, 40001, 10)],
      midCommands: [{ at: 5, cmd: 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102' }],
      // the FIN at 10 s; the client gives up at 114.2 s
      snapshots: [{ at: 114, cmds: ['ipvsadm -Lnc'] }],
      until: 115,
    })
    const { player } = play(s)
    expect(player.connections[0].rs).toBe('192.168.8.102:80')
    const client = player.clientOf(0)
    expect(client?.finRetries).toBe(ORPHAN_FIN_SCHEDULE.retransmits)
    expect(ORPHAN_FIN_SCHEDULE.retransmits).toBe(8)
    // the entry never saw the FINs: ESTABLISHED, 900 s from the handshake's ACK
    expect(player.snapshots[0].outputs[0].stdout).toContain('TCP 13:06  ESTABLISHED 10.0.0.1:40001')
    expect(player.sim.run('ipvsadm -Ln --stats').stdout).toMatch(/TCP {2}192\.168\.100\.100:80 +1 +2 +0 +112 +0/)
    expect(player.metrics?.snapshot().timedOut).toEqual({ connect: 0, close: 1 })
  })

  it('the retransmitted FIN that reaches the re-added server takes the entry ESTABLISHED → FIN_WAIT then (ip_vs_set_state())', () => {
    const s = scenario({
      commands: [...SERVICE, 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g'],
      connections: [conn(0, 40001, 10)],
      midCommands: [
        { at: 5, cmd: 'ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.102' },
        { at: 12, cmd: 'ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.102 -g' },
      ],
      // FIN at 10 s, again at 10.2, 10.6, 11.4: dropped; 13.0: passes
      snapshots: [
        { at: 12.9, cmds: ['ipvsadm -Lnc'] },
        { at: 13, cmds: ['ipvsadm -Lnc'] },
      ],
      until: 20,
    })
    const { player } = play(s)
    expect(player.snapshots[0].outputs[0].stdout).toContain('ESTABLISHED 10.0.0.1:40001')
    expect(player.snapshots[1].outputs[0].stdout).toContain('TCP 02:00  FIN_WAIT    10.0.0.1:40001')
    expect(player.clientOf(0)?.finRetries).toBe(4)
    expect(player.metrics?.snapshot().timedOut).toBeUndefined()
  })

  it("a FIN that no entry takes (the entry timed out) is answered RST by the director (tcp_v4_send_reset()): the client's socket is reset, nothing sent again", () => {
    const s = scenario({
      commands: [...SERVICE, 'ipvsadm --set 5 5 5'],
      connections: [conn(0, 40001, 30)],
      until: 300,
    })
    const { player } = play(s)
    expect(player.clientOf(0)?.finRetries).toBe(0)
    expect(player.metrics?.snapshot().timedOut).toBeUndefined()
  })

  it('tcp_write_timeout(), synthetic users: SYNs dropped the whole run time out 129.0 s after their first SYN, counted apart from refusals', () => {
    const s = scenario({
      seed: 4,
      commands: [...SERVICE, DROP_SYN],
      until: 400,
      traffic: { users: 10, duration: 200 },
    })
    const { player, attempts } = play(s)
    // :80 has a service whose SYNs the rule drops; :443 has none, and the director refuses at once
    const web = attempts.filter((a) => a.proto === 'tcp' && a.vport === 80)
    const refused = attempts.filter((a) => a.status === 'connect-failed: ECONNREFUSED')
    expect(web.length).toBeGreaterThan(10)
    expect(web.every((a) => a.status === 'connect-failed: ETIMEDOUT' && a.at >= 129_048)).toBe(true)
    expect(refused.every((a) => a.vport !== 80)).toBe(true)
    const m = player.metrics?.snapshot()
    expect(m?.refused).toBe(refused.length)
    expect(m?.timedOut?.connect).toBe(web.length)
  })

  it('property: every scenario connection ends established, refused or timed out, exactly once, when a SYN is sent or the timer gives up', () => {
    const mid = fc.oneof(
      fc.constant('iptables -A INPUT -p tcp --syn -j DROP'),
      fc.constant('iptables -F INPUT'),
      fc.constant('ipvsadm -d -t 192.168.100.100:80 -r 192.168.8.101'),
      fc.constant('ipvsadm -a -t 192.168.100.100:80 -r 192.168.8.101 -g'),
      fc.constant('ipvsadm -e -t 192.168.100.100:80 -r 192.168.8.101 -g -w 0'),
    )
    const seen = new Set<string>()
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 200 }), hold: fc.integer({ min: 1, max: 60 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 300 }), cmd: mid }), { maxLength: 8 }),
        (conns, mids) => {
          const sorted = [...conns].sort((a, b) => a.at - b.at)
          const s = scenario({
            commands: SERVICE,
            connections: sorted.map((c, i) => conn(c.at, 40000 + i, c.hold)),
            midCommands: [...mids].sort((a, b) => a.at - b.at),
            until: 320,
          })
          const { player, attempts } = play(s)
          for (const [i, c] of sorted.entries()) {
            // exactly one outcome per connection, the one its record holds
            const mine = attempts.filter((a) => a.clientPort === 40000 + i)
            expect(mine).toHaveLength(1)
            const status = player.connections[i].status
            expect(mine[0].status).toBe(status)
            expect(['connected', 'connect-failed: ECONNREFUSED', 'connect-failed: ETIMEDOUT']).toContain(status)
            // settled by the first SYN or a retransmission (SYN_SCHEDULE.firings), or by the last firing
            const n = player.clientOf(i)?.synRetries ?? -1
            const after = mine[0].at - c.at * 1000
            seen.add(n > 0 && status === 'connected' ? 'connected after a retransmission' : status)
            if (status === 'connect-failed: ETIMEDOUT') {
              expect(n).toBe(SYN_SCHEDULE.retransmits)
              expect(after).toBe(SYN_SCHEDULE.firings[SYN_SCHEDULE.retransmits])
            } else expect(after).toBe(n === 0 ? 0 : SYN_SCHEDULE.firings[n - 1])
          }
        },
      ),
      { seed: 2026, numRuns: 120 },
    )
    // the runs met every outcome
    expect([...seen].sort()).toEqual([
      'connect-failed: ECONNREFUSED',
      'connect-failed: ETIMEDOUT',
      'connected',
      'connected after a retransmission',
    ])
  })
})
