import type { CommandResult } from '../cli/ipvsadm/parse'
import { Metrics, type MetricsSnapshot } from '../metrics/metrics'
import { asPort, formatIPv4, type IPv4, parseDottedQuad } from '../net/ipv4'
import { EventQueue, type Unsequenced } from '../sim/eventQueue'
import { type ClientTcp, clientRs, newClientTcp, Simulator, SYN_RETRY_DELAYS_MS } from '../sim/simulator'
import { type SimMs, secondsToSimMs } from '../sim/time'
import { type ConnRequest, TrafficGenerator } from '../traffic/generator'
import type { ConnectionSpec, Scenario } from './schema'

export interface CommandRecord extends CommandResult {
  cmd: string
}

export interface ConnectionRecord extends ConnectionSpec {
  index: number
  /** The real server (`ip:port`) that accepted it, or null. */
  rs: string | null
  status: string
  datagrams?: { k: number; rs: string | null }[]
}

/** What a run produced: the same shape as a real-kernel recording (shared/golden/README.md). */
export interface RunResult {
  name: string
  description?: string
  sysctl: (CommandRecord & { key: string; value: number })[]
  commands: (CommandRecord & { at: number; phase: 'initial' | 'mid' })[]
  connections: ConnectionRecord[]
  snapshots: { at: number; outputs: CommandRecord[] }[]
  final: { at: number; outputs: CommandRecord[] }
  /** With `traffic`: how many users arrived and connections they made. */
  traffic?: { users: number; connections: number }
  /** With `metrics: true`: the figures at the end of the run. */
  metrics?: MetricsSnapshot
}

/** Scenario events at the same millisecond run in this order (golden README). */
const Rank = { MID: 0, OPEN: 1, CLOSE: 2, SNAPSHOT: 3 } as const

type ScenarioEvent =
  | { at: SimMs; rank: number; seq: number; kind: 'traffic-open'; req: ConnRequest }
  | { at: SimMs; rank: number; seq: number; kind: 'traffic-close'; req: ConnRequest; client: ClientTcp }
  | { at: SimMs; rank: number; seq: number; kind: 'traffic-datagram'; req: ConnRequest; k: number }
  | { at: SimMs; rank: number; seq: number; kind: 'mid'; index: number }
  | { at: SimMs; rank: number; seq: number; kind: 'open'; index: number }
  | { at: SimMs; rank: number; seq: number; kind: 'close'; index: number }
  | { at: SimMs; rank: number; seq: number; kind: 'datagram'; index: number; k: number }
  | { at: SimMs; rank: number; seq: number; kind: 'snapshot'; index: number }

export interface RunOptions {
  /** Prepare the simulator before anything runs (e.g. load the netfilter model). */
  setup?: (sim: Simulator) => void
  /** Compute the teaching figures (connections per server, balance, broken sessions, templates). */
  metrics?: boolean
}

export const DEFAULT_FINAL_CMDS = ['ipvsadm -Ln', 'ipvsadm -Lnc'] as const

/**
 * How long one command of a snapshot takes to run: each later command in the list reads the
 * director that much later (the recordings' `actualAt` show 0.10–0.14 s per ipvsadm call).
 */
export const SNAPSHOT_COMMAND_MS = 120

/**
 * Run a scenario the way the real-kernel recorder did: sysctls, the initial commands at time 0,
 * then mid commands, connection opens and closes, snapshots; `final` is read when everything is
 * over (at `until`, or later if a connection is still open then, as the recorder waited for it).
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const sim = new Simulator()
  options.setup?.(sim)
  const metrics = options.metrics
    ? new Metrics(sim.director, { sessionSharing: scenario.traffic?.sessionSharing })
    : null
  if (metrics) sim.director.onEvent(metrics.onDirectorEvent)
  const untilMs = secondsToSimMs(scenario.until)
  const generator = scenario.traffic
    ? new TrafficGenerator(scenario.traffic, { seed: scenario.seed ?? 1, untilSec: scenario.until })
    : null
  let trafficConnections = 0
  let pulledUntil = 0
  const record = (cmd: string): CommandRecord => ({ cmd, ...sim.run(cmd) })

  const sysctl = Object.entries(scenario.sysctl ?? {}).map(([key, value]) => ({
    ...record(`sysctl -w ${key}=${value}`),
    key,
    value,
  }))
  const commands: RunResult['commands'] = scenario.commands.map((cmd) => ({
    ...record(cmd),
    at: 0,
    phase: 'initial' as const,
  }))

  const queue = new EventQueue<ScenarioEvent>()
  let lastEvent = secondsToSimMs(scenario.until)
  const push = (e: Unsequenced<ScenarioEvent>) => {
    if (e.at > lastEvent) lastEvent = e.at
    queue.push(e)
  }
  for (const [index, m] of scenario.midCommands.entries()) {
    push({ at: secondsToSimMs(m.at), rank: Rank.MID, kind: 'mid', index })
  }
  const clients: (ClientTcp | null)[] = []
  const connections: ConnectionRecord[] = scenario.connections.map((c, index) => {
    const rec: ConnectionRecord = { ...c, index, rs: null, status: 'pending' }
    const at = secondsToSimMs(c.at)
    if (c.proto === 'tcp') {
      clients.push(
        newClientTcp(parseDottedQuad(c.client) as IPv4, c.clientPort, parseDottedQuad(c.vip) as IPv4, c.vport),
      )
      push({ at, rank: Rank.OPEN, kind: 'open', index })
    } else {
      clients.push(null)
      rec.datagrams = []
      const n = c.packets ?? 1
      for (let k = 0; k < n; k++)
        push({ at: secondsToSimMs(c.at + k * (c.interval ?? 1)), rank: Rank.OPEN, kind: 'datagram', index, k })
    }
    return rec
  })
  for (const [index, s] of scenario.snapshots.entries()) {
    push({ at: secondsToSimMs(s.at), rank: Rank.SNAPSHOT, kind: 'snapshot', index })
  }

  const snapshots: RunResult['snapshots'] = []
  // Traffic is pulled a second ahead of the clock, so its requests enter the queue in time.
  const pullTraffic = (horizon: number) => {
    if (!generator) return
    pulledUntil = Math.min(untilMs + 1, horizon + 1000)
    for (const req of generator.pull(pulledUntil)) {
      if (req.at > untilMs) continue
      trafficConnections++
      if (req.proto === 'tcp') queue.push({ at: req.at, rank: Rank.OPEN, kind: 'traffic-open', req })
      else
        for (let k = 0; k < req.packets; k++)
          queue.push({ at: (req.at + k * req.intervalMs) as SimMs, rank: Rank.OPEN, kind: 'traffic-datagram', req, k })
    }
  }
  for (;;) {
    const next = queue.peek()
    // Every request starting before the next event must be in the queue before it runs.
    if (generator && pulledUntil <= untilMs && (!next || next.at >= pulledUntil)) {
      pullTraffic(next ? next.at : pulledUntil)
      continue
    }
    const e = queue.pop()
    if (!e) break
    // Timers due by then fire first (those due at this very millisecond too): events and listings
    // of the real recorder ran a little after their nominal time.
    sim.advanceTo(e.at)
    switch (e.kind) {
      case 'traffic-open': {
        const client = newClientTcp(e.req.client, e.req.clientPort, e.req.vip, e.req.vport)
        sim.tcpConnect(client)
        metrics?.onConnection(`user ${e.req.user}`, e.req.app, client.entry ? client.rsAddr : null, e.at)
        const closeAt = e.at + e.req.holdMs
        if (client.status === 'connected' && closeAt <= untilMs)
          queue.push({ at: closeAt as SimMs, rank: Rank.CLOSE, kind: 'traffic-close', req: e.req, client })
        break
      }
      case 'traffic-close':
        sim.tcpClose(e.client, 'fin')
        break
      case 'traffic-datagram': {
        const entry = sim.udpDatagram(e.req.client, e.req.clientPort, e.req.vip, e.req.vport)
        if (e.k === 0) metrics?.onConnection(`user ${e.req.user}`, false, entry ? entry.daddr : null, e.at)
        break
      }
      case 'mid': {
        const m = scenario.midCommands[e.index]
        commands.push({ ...record(m.cmd), at: m.at, phase: 'mid' })
        break
      }
      case 'open': {
        const client = clients[e.index] as ClientTcp
        sim.tcpConnect(client)
        connections[e.index].status = client.status
        connections[e.index].rs = clientRs(client)
        if (client.status !== 'pending')
          metrics?.onConnection(scenario.connections[e.index].client, true, client.entry ? client.rsAddr : null, e.at)
        // The client holds the connection `hold` seconds after it connected, then closes it.
        if (client.status === 'connected')
          push({
            at: (e.at + secondsToSimMs(scenario.connections[e.index].hold)) as SimMs,
            rank: Rank.CLOSE,
            kind: 'close',
            index: e.index,
          })
        if (client.status === 'pending') {
          if (client.synRetries < SYN_RETRY_DELAYS_MS.length)
            push({
              at: (e.at + SYN_RETRY_DELAYS_MS[client.synRetries++]) as SimMs,
              rank: Rank.OPEN,
              kind: 'open',
              index: e.index,
            })
          else connections[e.index].status = client.status = 'connect-failed: ETIMEDOUT'
        }
        break
      }
      case 'close': {
        const client = clients[e.index] as ClientTcp
        sim.tcpClose(client, scenario.connections[e.index].close ?? 'fin')
        break
      }
      case 'datagram': {
        const c = scenario.connections[e.index]
        const entry = sim.udpDatagram(
          parseDottedQuad(c.client) as IPv4,
          asPort(c.clientPort),
          parseDottedQuad(c.vip) as IPv4,
          asPort(c.vport),
        )
        const rs = entry ? `${formatIPv4(entry.daddr)}:${entry.dport}` : null
        const rec = connections[e.index]
        rec.datagrams?.push({ k: e.k, rs })
        if (e.k === 0) {
          rec.rs = rs
          rec.status = 'sent'
          metrics?.onConnection(c.client, false, entry ? entry.daddr : null, e.at)
        }
        break
      }
      case 'snapshot': {
        // One command after the other, each taking its time on the director (as on the real
        // recorder: a 23-command snapshot ends ~3 s after it began); events due meanwhile wait.
        const s = scenario.snapshots[e.index]
        const outputs = s.cmds.map((cmd, k) => {
          if (k > 0) sim.advanceTo((e.at + k * SNAPSHOT_COMMAND_MS) as SimMs)
          return record(cmd)
        })
        snapshots.push({ at: s.at, outputs })
        break
      }
    }
  }
  sim.advanceTo(lastEvent)
  const final = {
    at: lastEvent / 1000,
    outputs: (scenario.finalCmds ?? DEFAULT_FINAL_CMDS).map(record),
  }
  for (const c of connections) if (c.status === 'pending') c.status = 'connect-failed: ETIMEDOUT'
  return {
    name: scenario.name ?? '',
    ...(scenario.description !== undefined ? { description: scenario.description } : {}),
    sysctl,
    commands,
    connections,
    snapshots,
    final,
    ...(generator ? { traffic: { users: generator.users.length, connections: trafficConnections } } : {}),
    ...(metrics ? { metrics: metrics.snapshot() } : {}),
  }
}
