import type { CommandResult } from '../cli/ipvsadm/parse'
import type { DirectorEvent } from '../ipvs/director'
import { Metrics } from '../metrics/metrics'
import { asPort, formatIPv4, type IPv4, parseDottedQuad } from '../net/ipv4'
import { EventQueue, type Unsequenced } from '../sim/eventQueue'
import { type ClientTcp, clientRs, newClientTcp, Simulator, SYN_RETRY_DELAYS_MS } from '../sim/simulator'
import { type SimMs, secondsToSimMs } from '../sim/time'
import { type ConnRequest, TrafficGenerator } from '../traffic/generator'
import type { Scenario } from './schema'

export interface CommandRecord extends CommandResult {
  cmd: string
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

/**
 * How long one command of a snapshot takes to run: each later command in the list reads the
 * director that much later (the recordings' `actualAt` show 0.10–0.14 s per ipvsadm call).
 */
export const SNAPSHOT_COMMAND_MS = 120

/** A client's attempt as the player saw it: who, to where, and which real server took it. */
export interface ClientAttempt {
  at: SimMs
  proto: 'tcp' | 'udp'
  client: IPv4
  clientPort: number
  vip: IPv4
  vport: number
  /** The real server's address that took it, or null (refused, dropped, nothing listening). */
  rsAddr: number | null
  /** A synthetic user's number, or -1 for a scenario's explicit connection. */
  user: number
  status: string
}

export interface PlayerListener {
  /** A scenario mid command ran (at its time). */
  command?: (rec: CommandRecord & { at: number }) => void
  /** A client's connection attempt was answered (TCP: after the handshake or its failure). */
  attempt?: (a: ClientAttempt) => void
  /** Every director event (templates created, refreshed, re-armed, expired; connections …). */
  director?: (e: DirectorEvent) => void
  /** A snapshot's outputs. */
  snapshot?: (at: number, outputs: CommandRecord[]) => void
}

/**
 * A scenario being played: the simulator, the explicit connections and the synthetic traffic,
 * advanced event by event on the simulated clock. `runScenario` plays one to the end at once; the
 * app's worker plays one at the pace of a wall clock, stepping and typing commands in between.
 * Same scenario and seed, same commands at the same times → the same run, byte for byte.
 */
export class ScenarioPlayer {
  readonly sim: Simulator
  readonly scenario: Scenario
  readonly metrics: Metrics | null
  readonly untilMs: SimMs
  /** The last scheduled event's time (at least `until`). */
  lastEventMs: SimMs
  readonly sysctl: (CommandRecord & { key: string; value: number })[]
  readonly commands: (CommandRecord & { at: number; phase: 'initial' | 'mid' })[]
  readonly connections: (Scenario['connections'][number] & {
    index: number
    rs: string | null
    status: string
    datagrams?: { k: number; rs: string | null }[]
  })[]
  readonly snapshots: { at: number; outputs: CommandRecord[] }[] = []
  trafficConnections = 0
  readonly generator: TrafficGenerator | null

  private readonly queue = new EventQueue<ScenarioEvent>()
  private readonly clients: (ClientTcp | null)[] = []
  private pulledUntil = 0
  private listener: PlayerListener = {}

  constructor(scenario: Scenario, options: { metrics?: boolean; setup?: (sim: Simulator) => void } = {}) {
    this.scenario = scenario
    const sim = new Simulator()
    this.sim = sim
    options.setup?.(sim)
    this.metrics = options.metrics
      ? new Metrics(sim.director, { sessionSharing: scenario.traffic?.sessionSharing })
      : null
    const metrics = this.metrics
    sim.director.onEvent((e) => {
      metrics?.onDirectorEvent(e)
      this.listener.director?.(e)
    })
    this.untilMs = secondsToSimMs(scenario.until)
    this.lastEventMs = this.untilMs
    this.generator = scenario.traffic
      ? new TrafficGenerator(scenario.traffic, { seed: scenario.seed ?? 1, untilSec: scenario.until })
      : null

    this.sysctl = Object.entries(scenario.sysctl ?? {}).map(([key, value]) => ({
      ...this.record(`sysctl -w ${key}=${value}`),
      key,
      value,
    }))
    this.commands = scenario.commands.map((cmd) => ({ ...this.record(cmd), at: 0, phase: 'initial' as const }))

    for (const [index, m] of scenario.midCommands.entries())
      this.push({ at: secondsToSimMs(m.at), rank: Rank.MID, kind: 'mid', index })
    this.connections = scenario.connections.map((c, index) => {
      const rec: ScenarioPlayer['connections'][number] = { ...c, index, rs: null, status: 'pending' }
      const at = secondsToSimMs(c.at)
      if (c.proto === 'tcp') {
        this.clients.push(
          newClientTcp(parseDottedQuad(c.client) as IPv4, c.clientPort, parseDottedQuad(c.vip) as IPv4, c.vport),
        )
        this.push({ at, rank: Rank.OPEN, kind: 'open', index })
      } else {
        this.clients.push(null)
        rec.datagrams = []
        const n = c.packets ?? 1
        for (let k = 0; k < n; k++)
          this.push({ at: secondsToSimMs(c.at + k * (c.interval ?? 1)), rank: Rank.OPEN, kind: 'datagram', index, k })
      }
      return rec
    })
    for (const [index, s] of scenario.snapshots.entries())
      this.push({ at: secondsToSimMs(s.at), rank: Rank.SNAPSHOT, kind: 'snapshot', index })
  }

  get now(): SimMs {
    return this.sim.now
  }

  setListener(listener: PlayerListener): void {
    this.listener = listener
  }

  /** Run a command line now, on the director's shell. */
  record(cmd: string): CommandRecord {
    return { cmd, ...this.sim.run(cmd) }
  }

  /** The time of the next scenario or traffic event, or Infinity when none is left. */
  nextEventAt(): number {
    this.pullTraffic(Number.POSITIVE_INFINITY, true)
    return this.queue.peek()?.at ?? Number.POSITIVE_INFINITY
  }

  /** Play every event due at or before `limit`, then let the director's clock reach it. */
  advanceTo(limit: SimMs): void {
    for (;;) {
      this.pullTraffic(limit, false)
      const next = this.queue.peek()
      if (!next || next.at > limit) break
      this.handle(this.queue.pop() as ScenarioEvent)
    }
    this.sim.advanceTo(limit)
  }

  /** Play the next event only (and the director's timers due before it); false when none is left. */
  step(): boolean {
    const at = this.nextEventAt()
    if (at === Number.POSITIVE_INFINITY) return false
    this.handle(this.queue.pop() as ScenarioEvent)
    return true
  }

  private push(e: Unsequenced<ScenarioEvent>): void {
    if (e.at > this.lastEventMs) this.lastEventMs = e.at
    this.queue.push(e)
  }

  /**
   * Traffic is generated a second ahead of the clock, so every request starting before the next
   * event is queued before that event runs.
   */
  private pullTraffic(limit: number, untilNext: boolean): void {
    const gen = this.generator
    if (!gen) return
    for (;;) {
      const next = this.queue.peek()
      const needed = Math.min(next ? next.at : Number.POSITIVE_INFINITY, untilNext ? Number.POSITIVE_INFINITY : limit)
      if (this.pulledUntil > this.untilMs || this.pulledUntil > needed) return
      this.pulledUntil = Math.min(
        this.untilMs + 1,
        (needed === Number.POSITIVE_INFINITY ? this.untilMs : needed) + 1000,
      )
      for (const req of gen.pull(this.pulledUntil)) {
        if (req.at > this.untilMs) continue
        this.trafficConnections++
        if (req.proto === 'tcp') this.queue.push({ at: req.at, rank: Rank.OPEN, kind: 'traffic-open', req })
        else
          for (let k = 0; k < req.packets; k++)
            this.queue.push({
              at: (req.at + k * req.intervalMs) as SimMs,
              rank: Rank.OPEN,
              kind: 'traffic-datagram',
              req,
              k,
            })
      }
    }
  }

  private attempt(a: ClientAttempt): void {
    this.listener.attempt?.(a)
  }

  private handle(e: ScenarioEvent): void {
    const sim = this.sim
    const metrics = this.metrics
    // Timers due by then fire first (those due at this very millisecond too): events and listings
    // of the real recorder ran a little after their nominal time.
    sim.advanceTo(e.at)
    switch (e.kind) {
      case 'traffic-open': {
        const client = newClientTcp(e.req.client, e.req.clientPort, e.req.vip, e.req.vport)
        sim.tcpConnect(client)
        const rsAddr = client.entry ? client.rsAddr : null
        metrics?.onConnection(`user ${e.req.user}`, e.req.app, rsAddr, e.at)
        this.attempt({
          at: e.at,
          proto: 'tcp',
          client: e.req.client,
          clientPort: e.req.clientPort,
          vip: e.req.vip,
          vport: e.req.vport,
          rsAddr,
          user: e.req.user,
          status: client.status,
        })
        const closeAt = e.at + e.req.holdMs
        if (client.status === 'connected' && closeAt <= this.untilMs)
          this.queue.push({ at: closeAt as SimMs, rank: Rank.CLOSE, kind: 'traffic-close', req: e.req, client })
        break
      }
      case 'traffic-close':
        sim.tcpClose(e.client, 'fin')
        break
      case 'traffic-datagram': {
        const entry = sim.udpDatagram(e.req.client, e.req.clientPort, e.req.vip, e.req.vport)
        if (e.k === 0) {
          const rsAddr = entry ? entry.daddr : null
          metrics?.onConnection(`user ${e.req.user}`, false, rsAddr, e.at)
          this.attempt({
            at: e.at,
            proto: 'udp',
            client: e.req.client,
            clientPort: e.req.clientPort,
            vip: e.req.vip,
            vport: e.req.vport,
            rsAddr,
            user: e.req.user,
            status: entry ? 'sent' : 'dropped',
          })
        }
        break
      }
      case 'mid': {
        const m = this.scenario.midCommands[e.index]
        const rec = { ...this.record(m.cmd), at: m.at, phase: 'mid' as const }
        this.commands.push(rec)
        this.listener.command?.(rec)
        break
      }
      case 'open': {
        const client = this.clients[e.index] as ClientTcp
        const spec = this.scenario.connections[e.index]
        sim.tcpConnect(client)
        const rec = this.connections[e.index]
        rec.status = client.status
        rec.rs = clientRs(client)
        if (client.status !== 'pending') {
          metrics?.onConnection(spec.client, true, client.entry ? client.rsAddr : null, e.at)
          this.attempt({
            at: e.at,
            proto: 'tcp',
            client: client.saddr,
            clientPort: client.sport,
            vip: client.daddr,
            vport: client.dport,
            rsAddr: client.entry ? client.rsAddr : null,
            user: -1,
            status: client.status,
          })
        }
        // The client holds the connection `hold` seconds after it connected, then closes it.
        if (client.status === 'connected')
          this.push({
            at: (e.at + secondsToSimMs(spec.hold)) as SimMs,
            rank: Rank.CLOSE,
            kind: 'close',
            index: e.index,
          })
        if (client.status === 'pending') {
          if (client.synRetries < SYN_RETRY_DELAYS_MS.length)
            this.push({
              at: (e.at + SYN_RETRY_DELAYS_MS[client.synRetries++]) as SimMs,
              rank: Rank.OPEN,
              kind: 'open',
              index: e.index,
            })
          else {
            rec.status = client.status = 'connect-failed: ETIMEDOUT'
            this.attempt({
              at: e.at,
              proto: 'tcp',
              client: client.saddr,
              clientPort: client.sport,
              vip: client.daddr,
              vport: client.dport,
              rsAddr: null,
              user: -1,
              status: client.status,
            })
          }
        }
        break
      }
      case 'close': {
        const client = this.clients[e.index] as ClientTcp
        sim.tcpClose(client, this.scenario.connections[e.index].close ?? 'fin')
        break
      }
      case 'datagram': {
        const c = this.scenario.connections[e.index]
        const entry = sim.udpDatagram(
          parseDottedQuad(c.client) as IPv4,
          asPort(c.clientPort),
          parseDottedQuad(c.vip) as IPv4,
          asPort(c.vport),
        )
        const rs = entry ? `${formatIPv4(entry.daddr)}:${entry.dport}` : null
        const rec = this.connections[e.index]
        rec.datagrams?.push({ k: e.k, rs })
        if (e.k === 0) {
          rec.rs = rs
          rec.status = 'sent'
          metrics?.onConnection(c.client, false, entry ? entry.daddr : null, e.at)
          this.attempt({
            at: e.at,
            proto: 'udp',
            client: parseDottedQuad(c.client) as IPv4,
            clientPort: c.clientPort,
            vip: parseDottedQuad(c.vip) as IPv4,
            vport: c.vport,
            rsAddr: entry ? entry.daddr : null,
            user: -1,
            status: 'sent',
          })
        }
        break
      }
      case 'snapshot': {
        // One command after the other, each taking its time on the director (as on the real
        // recorder: a 23-command snapshot ends ~3 s after it began); events due meanwhile wait.
        const s = this.scenario.snapshots[e.index]
        const outputs = s.cmds.map((cmd, k) => {
          if (k > 0) sim.advanceTo((e.at + k * SNAPSHOT_COMMAND_MS) as SimMs)
          return this.record(cmd)
        })
        this.snapshots.push({ at: s.at, outputs })
        this.listener.snapshot?.(s.at, outputs)
        break
      }
    }
  }
}
