import type { SyncDelivery, VipMove } from '../host/pair'
import type { Simulator } from '../host/simulator'
import type { MetricsSnapshot } from '../metrics/metrics'
import type { ArpFlip } from '../wire/arp'
import { type CommandRecord, type DaemonSource, ScenarioPlayer } from './player'
import type { ConnectionSpec, Scenario } from './schema'

export { type CommandRecord, SNAPSHOT_COMMAND_MS } from './player'

export interface ConnectionRecord extends ConnectionSpec {
  index: number
  /** The real server (`ip:port`) that accepted it, or null. */
  rs: string | null
  status: string
  datagrams?: { k: number; rs: string | null }[]
  /** The router sent it straight to the real server, bypassing the director (a scenario with `topology.router`). */
  bypassed?: true
}

/** What a run produced: the same shape as a real-kernel recording (test/golden/README.md). */
export interface RunResult {
  name: string
  description?: string
  sysctl: (CommandRecord & { key: string; value: number })[]
  /** Source "keepalived": an ipvsadm line keepalived ran (src/engine/keepalived/), not the scenario's. */
  commands: (CommandRecord & { at: number; phase: 'initial' | 'mid'; source?: DaemonSource })[]
  connections: ConnectionRecord[]
  snapshots: { at: number; outputs: CommandRecord[] }[]
  final: { at: number; outputs: CommandRecord[] }
  /** With `traffic`: how many users arrived and connections they made. */
  traffic?: { users: number; connections: number }
  /** With `metrics: true`: the figures at the end of the run. */
  metrics?: MetricsSnapshot
  /**
   * With a router (`topology.router`): each change of its ARP entry for a VIP — when, from which
   * host's MAC to which, and what made it (`reply` to its who-has, a `request` naming the VIP).
   */
  arp?: { flips: ArpFlip[] }
  /**
   * With a `backup` director (docs/two-directors.md): its lines (its commands, mid commands and
   * keepalived's), what was read from it at the end, each sync message between the two, and each
   * time the clients' packets started going to another director.
   */
  backup?: {
    commands: (CommandRecord & { at: number; phase: 'initial' | 'mid'; source?: DaemonSource })[]
    final: { at: number; outputs: CommandRecord[] }
    sync: SyncDelivery[]
    vip: VipMove[]
  }
}

export interface RunOptions {
  /** Prepare the simulator before anything runs (e.g. load the netfilter model). */
  setup?: (sim: Simulator) => void
  /** Compute the teaching figures (connections per server, balance, broken sessions, templates). */
  metrics?: boolean
}

export const DEFAULT_FINAL_CMDS = ['ipvsadm -Ln', 'ipvsadm -Lnc'] as const

/**
 * Run a scenario the way the real-kernel recorder did: sysctls, the initial commands at time 0,
 * then mid commands, connection opens and closes, snapshots; `final` is read when everything is
 * over (at `until`, or later if a connection is still open then, as the recorder waited for it).
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const player = new ScenarioPlayer(scenario, options)
  while (player.step()) {
    // every event, in order
  }
  if (player.pair) player.pair.advanceTo(player.lastEventMs)
  else player.sim.advanceTo(player.lastEventMs)
  player.drainKeepalived()
  const final = {
    at: player.lastEventMs / 1000,
    outputs: (scenario.finalCmds ?? DEFAULT_FINAL_CMDS).map((cmd) => player.record(cmd)),
  }
  const pair = player.pair
  for (const c of player.connections) if (c.status === 'pending') c.status = 'connect-failed: ETIMEDOUT'
  return {
    name: scenario.name ?? '',
    ...(scenario.description !== undefined ? { description: scenario.description } : {}),
    sysctl: player.sysctl,
    commands: player.commands,
    connections: player.connections,
    snapshots: player.snapshots,
    final,
    ...(player.generator
      ? { traffic: { users: player.generator.users.length, connections: player.trafficConnections } }
      : {}),
    ...(player.metrics ? { metrics: player.metrics.snapshot() } : {}),
    ...(player.sim.arp ? { arp: { flips: player.sim.arp.flips } } : {}),
    ...(pair && scenario.backup
      ? {
          backup: {
            commands: player.backupCommands,
            final: {
              at: final.at,
              outputs: (scenario.backup.finalCmds ?? DEFAULT_FINAL_CMDS).map((cmd) => ({
                cmd,
                ...pair.sims[1].run(cmd),
              })),
            },
            sync: pair.deliveries,
            vip: pair.moves,
          },
        }
      : {}),
  }
}
