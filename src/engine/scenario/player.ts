import { DIRECTOR_NAMES, type DirectorIndex, DirectorPair, pairAddresses } from '../host/pair'
import { type ClientTcp, clientRs, type FinOutcome, newClientTcp, Simulator } from '../host/simulator'
import { ORPHAN_FIN_SCHEDULE, SYN_SCHEDULE } from '../host/tcpRetransmit'
import type { DirectorEvent } from '../ipvs/director'
import { RealServerFaults } from '../keepalived/faults'
import { Metrics } from '../metrics/metrics'
import { asPort, formatIPv4 } from '../net/ipv4'
import { type Addr, formatAddrPort, parseAddr } from '../net/ipv6'
import { CalendarQueue } from '../sim/calendarQueue'
import { type SimMs, secondsToSimMs } from '../sim/time'
import { type ConnRequest, TrafficGenerator } from '../traffic/generator'
import type { CommandResult } from '../userland/shell'
import { Topology } from '../wire/topology'
import type { Scenario } from './schema'

export interface CommandRecord extends CommandResult {
  cmd: string
}

/** Scenario events at the same millisecond run in this order (golden README). */
const Rank = { MID: 0, OPEN: 1, CLOSE: 2, SNAPSHOT: 3 } as const

const RANKS = 4
/** The queue's key: the time, then the rank within the millisecond (then first queued, first run). */
const keyOf = (at: number, rank: number): number => at * RANKS + rank

/** A scenario's own events (its commands, connections and snapshots), each queued as an object. */
type ScenarioEvent =
  | { at: SimMs; rank: number; kind: 'mid'; index: number }
  | { at: SimMs; rank: number; kind: 'open'; index: number }
  /** The client's SYN retransmission timer fired for the last time: ETIMEDOUT. */
  | { at: SimMs; rank: number; kind: 'syn-timeout'; index: number }
  | { at: SimMs; rank: number; kind: 'close'; index: number }
  /** The closed client's retransmission timer fired the (k+1)-th time (ORPHAN_FIN_SCHEDULE.firings[k]). */
  | { at: SimMs; rank: number; kind: 'fin-timer'; index: number; k: number }
  | { at: SimMs; rank: number; kind: 'datagram'; index: number; k: number }
  | { at: SimMs; rank: number; kind: 'snapshot'; index: number }
  /** A line of the backup director's `midCommands`. */
  | { at: SimMs; rank: number; kind: 'backup-mid'; index: number }
  /** A director loses power (a `faults` entry whose host is "director" or "backup"). */
  | { at: SimMs; rank: number; kind: 'director-crash'; index: DirectorIndex }

/**
 * What a queued entry is, in its tag. Synthetic traffic (most events) queues its request itself,
 * with no event object: TRAFFIC_DATAGRAM + TAG_KINDS × k is the request's k-th datagram;
 * TRAFFIC_SYN_TIMER / TRAFFIC_FIN_TIMER + TAG_KINDS × k the k-th firing of its client's
 * retransmission timer (SYN_SCHEDULE.firings[k] after its first SYN, ORPHAN_FIN_SCHEDULE.firings[k]
 * after its first FIN).
 */
const Tag = {
  SCENARIO: 0,
  TRAFFIC_OPEN: 1,
  TRAFFIC_CLOSE: 2,
  TRAFFIC_DATAGRAM: 3,
  TRAFFIC_SYN_TIMER: 4,
  TRAFFIC_FIN_TIMER: 5,
} as const
const TAG_KINDS = 6

/**
 * How long one command of a snapshot takes to run: each later command in the list reads the
 * director that much later (the recordings' `actualAt` show 0.10–0.14 s per ipvsadm call).
 */
export const SNAPSHOT_COMMAND_MS = 120

/** A client's attempt as the player saw it: who, to where, and which real server took it. */
export interface ClientAttempt {
  at: SimMs
  proto: 'tcp' | 'udp'
  client: Addr
  clientPort: number
  vip: Addr
  vport: number
  /** The real server's address that took it, or null (refused, dropped, nothing listening). */
  rsAddr: Addr | null
  /** A synthetic user's number, or -1 for a scenario's explicit connection. */
  user: number
  status: string
}

/** Who ran a line the scenario did not: a daemon on the director. */
export type DaemonSource = 'keepalived' | 'kube-proxy'

export interface PlayerListener {
  /** A scenario mid command ran (at its time). */
  command?: (rec: CommandRecord & { at: number; source?: DaemonSource }) => void
  /** A client's connection attempt was answered (TCP: after the handshake or its failure). */
  attempt?: (a: ClientAttempt) => void
  /** Every director event (templates created, refreshed, re-armed, expired; connections …). */
  director?: (e: DirectorEvent) => void
  /** With a `backup` director: its events (its own templates, and the ones the sync daemon gave it). */
  backup?: (e: DirectorEvent) => void
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
  /** The director the scenario's `commands` set up (with a `backup`, the first of the two). */
  readonly sim: Simulator
  /** With a `backup` director: both, on one LAN (host/pair.ts); null with one director. */
  readonly pair: DirectorPair | null
  /** The backup director's lines: its `commands`, its `midCommands`, and its daemons' lines. */
  readonly backupCommands: (CommandRecord & { at: number; phase: 'initial' | 'mid'; source?: DaemonSource })[] = []
  readonly scenario: Scenario
  readonly metrics: Metrics | null
  readonly untilMs: SimMs
  /** The last scheduled event's time (at least `until`). */
  lastEventMs: SimMs
  readonly sysctl: (CommandRecord & { key: string; value: number })[]
  /** The scenario's commands, and (source "keepalived") the ipvsadm lines keepalived ran, at their times. */
  readonly commands: (CommandRecord & { at: number; phase: 'initial' | 'mid'; source?: DaemonSource })[]
  readonly connections: (Scenario['connections'][number] & {
    index: number
    rs: string | null
    status: string
    datagrams?: { k: number; rs: string | null }[]
    /** The router sent it straight to the real server: the director never saw it (the ARP problem). */
    bypassed?: true
  })[]
  readonly snapshots: { at: number; outputs: CommandRecord[] }[] = []
  trafficConnections = 0
  readonly generator: TrafficGenerator | null

  private readonly queue = new CalendarQueue<ScenarioEvent | ConnRequest>()
  private readonly clients: (ClientTcp | null)[] = []
  private pulledUntil = 0
  private listener: PlayerListener = {}

  constructor(scenario: Scenario, options: { metrics?: boolean; setup?: (sim: Simulator) => void } = {}) {
    this.scenario = scenario
    const sim = new Simulator()
    if (scenario.topology) sim.setTopology(new Topology(scenario.topology))
    for (const [path, text] of Object.entries(scenario.files ?? {})) sim.files.set(path, text)
    const rsFaults = (scenario.faults ?? []).filter((f) => f.host !== 'director' && f.host !== 'backup')
    if (scenario.faults) sim.faults = new RealServerFaults(rsFaults)
    this.sim = sim
    options.setup?.(sim)
    this.pair = scenario.backup ? new DirectorPair(sim, this.backupDirector(scenario, options.setup)) : null
    this.linkDirectorFaults()
    this.metrics = options.metrics
      ? new Metrics(sim.director, {
          sessionSharing: scenario.traffic?.sessionSharing,
          failures: scenario.files !== undefined || scenario.faults !== undefined || scenario.backup !== undefined,
          ...(this.pair ? { pair: this.pair } : {}),
        })
      : null
    this.listenToDirector()
    this.untilMs = secondsToSimMs(scenario.until)
    this.lastEventMs = this.untilMs
    this.generator = scenario.traffic
      ? new TrafficGenerator(scenario.traffic, { seed: scenario.seed ?? 1, untilSec: scenario.until })
      : null
    this.generator?.setSink({ queueRequest: (req) => this.queueTraffic(req) })

    this.sysctl = Object.entries(scenario.sysctl ?? {}).map(([key, value]) => ({
      ...this.record(`sysctl -w ${key}=${value}`),
      key,
      value,
    }))
    this.commands = []
    for (const cmd of scenario.commands) {
      this.commands.push({ ...this.record(cmd), at: 0, phase: 'initial' })
      this.drainKeepalived('initial')
    }
    const backup = this.pair?.sims[1]
    if (backup && scenario.backup) {
      for (const [key, value] of Object.entries(scenario.backup.sysctl ?? {}))
        this.backupCommands.push({
          cmd: `sysctl -w ${key}=${value}`,
          ...backup.run(`sysctl -w ${key}=${value}`),
          at: 0,
          phase: 'initial',
        })
      for (const cmd of scenario.backup.commands) {
        this.backupCommands.push({ cmd, ...backup.run(cmd), at: 0, phase: 'initial' })
        this.drainKeepalived('initial')
      }
      for (const [index, m] of scenario.backup.midCommands.entries())
        this.push({ at: secondsToSimMs(m.at), rank: Rank.MID, kind: 'backup-mid', index })
    }
    for (const f of scenario.faults ?? [])
      if (f.host === 'director' || f.host === 'backup')
        this.push({
          at: secondsToSimMs(f.at),
          rank: Rank.MID,
          kind: 'director-crash',
          index: f.host === 'director' ? 0 : 1,
        })

    for (const [index, m] of scenario.midCommands.entries())
      this.push({ at: secondsToSimMs(m.at), rank: Rank.MID, kind: 'mid', index })
    this.connections = scenario.connections.map((c, index) => {
      const rec: ScenarioPlayer['connections'][number] = { ...c, index, rs: null, status: 'pending' }
      const at = secondsToSimMs(c.at)
      if (c.proto === 'tcp') {
        this.clients.push(newClientTcp(parseAddr(c.client) as Addr, c.clientPort, parseAddr(c.vip) as Addr, c.vport))
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

  /** The second director: its files, sysctls; the real servers' faults are the same servers'. */
  private backupDirector(scenario: Scenario, setup?: (sim: Simulator) => void): Simulator {
    const b = new Simulator()
    // the same LAN, its own address on it (host/pair.ts pairAddresses): the one below the first's
    const first = new Topology(scenario.topology ?? {})
    const [, own] = pairAddresses(first.director.clientSide)
    b.setTopology(
      new Topology({ ...scenario.topology, director: { ...scenario.topology?.director, clientSide: formatIPv4(own) } }),
    )
    for (const [path, text] of Object.entries(scenario.backup?.files ?? {})) b.files.set(path, text)
    // the same real servers: one list of their faults (a scenario's, or `lab-fault` on either shell)
    b.faults = this.sim.faults
    setup?.(b)
    return b
  }

  /**
   * `lab-fault director crash` / `lab-fault backup crash` on either shell: that director loses
   * power now, as a scenario's director fault does; `ssh backup …` / `ssh director …` runs a line
   * on the other (made again after a deep copy: closures).
   */
  private linkDirectorFaults(): void {
    const pair = this.pair
    if (!pair) return
    const crash = (name: string): boolean => {
      const i = name === 'director' ? 0 : name === 'backup' ? 1 : -1
      if (i < 0) return false
      pair.crash(i as DirectorIndex, this.now)
      return true
    }
    for (const s of pair.sims) s.directorFault = crash
    // ssh between the two: by name (/etc/hosts) or by address on eth0
    const hosts = pair.sims.map((s, i) => ({
      names: [DIRECTOR_NAMES[i], s.topology.director.clientSide],
      host: { addr: s.topology.director.clientSide, run: (line: string) => s.run(line), sim: s },
    }))
    const sshHost = (name: string) => {
      const h = hosts.find((x) => x.names.includes(name))
      return h ? { addr: h.host.addr, down: h.host.sim.down, run: h.host.run } : null
    }
    for (const s of pair.sims) s.sshHost = sshHost
  }

  /** The director the clients' packets reach now: the VIP's holder (with one director, it). */
  private get front(): Simulator {
    return this.pair ? this.pair.front : this.sim
  }

  /** Let time pass on the director (both, with a backup). */
  private clock(t: SimMs): void {
    if (this.pair) this.pair.advanceTo(t)
    else this.sim.advanceTo(t)
  }

  /** The client's TCP of scenario connection `index` (null for UDP): its state and retransmissions so far. */
  clientOf(index: number): Readonly<ClientTcp> | null {
    return this.clients[index] ?? null
  }

  /**
   * After a deep copy of this player (the app's rewind checkpoints): the closures its parts hold
   * (the shell's programs, the traffic's random source and sink, the director's listener) are
   * made again to speak for the copy. The listener is dropped: the copy's owner sets its own.
   */
  relink(): void {
    this.sim.relink()
    this.pair?.sims[1].relink()
    this.linkDirectorFaults()
    this.metrics?.relink()
    this.generator?.relink()
    this.generator?.setSink({ queueRequest: (req) => this.queueTraffic(req) })
    this.listener = {}
    this.listenToDirector()
  }

  setListener(listener: PlayerListener): void {
    this.listener = listener
    this.listenToDirector()
  }

  /**
   * The director describes what it does (events, decisions) only while somebody listens: the
   * figures, or the player's own listener. A run nobody watches allocates none of it.
   */
  private listenToDirector(): void {
    const metrics = this.metrics
    const forward = this.listener.director
    if (metrics && forward)
      this.sim.director.onEvent((e) => {
        metrics.onDirectorEvent(e)
        forward(e)
      })
    else if (metrics) this.sim.director.onEvent(metrics.onDirectorEvent)
    else if (forward) this.sim.director.onEvent(forward)
    else this.sim.director.onEvent(null)
    this.pair?.sims[1].director.onEvent(this.listener.backup ?? null)
  }

  /**
   * The lines the director's daemons (keepalived, kube-proxy) ran since the last look: recorded
   * among the commands at their times with their source (and told to the listener like a mid
   * command).
   */
  drainKeepalived(phase: 'initial' | 'mid' = 'mid'): void {
    // VRRP between the two directors (adverts, VIPs); with one director nobody hears its adverts
    if (this.pair) this.pair.exchange()
    else if (this.sim.keepalived.hasVrrpEvents) this.sim.keepalived.takeVrrp()
    const b = this.pair?.sims[1]
    if (b?.keepalived.hasCommands)
      for (const c of b.keepalived.takeCommands()) this.backupCommands.push(daemonRecord(c, 'keepalived', phase))
    const ka = this.sim.keepalived
    const kp = this.sim.kube.proxy
    if (!ka.hasCommands && !kp.hasCommands) return
    const lines = [
      ...ka.takeCommands().map((c) => ({ ...c, source: 'keepalived' as const })),
      ...kp.takeCommands().map((c) => ({ ...c, source: 'kube-proxy' as const })),
    ].sort((a, b) => a.at - b.at)
    for (const c of lines) {
      const rec = daemonRecord(c, c.source, phase)
      this.commands.push(rec)
      if (phase === 'mid') this.listener.command?.(rec)
    }
  }

  /** With two directors: the one each scenario connection (by index) and each open traffic request connected through. */
  private readonly via: DirectorIndex[] = []
  private readonly viaTraffic = new Map<ConnRequest, DirectorIndex>()

  /** Clients whose last SYN went to a hung real server, and that server (their ETIMEDOUT is a failed connection). */
  private readonly hungSyn = new Map<ConnRequest | number, Addr>()

  /** A client's SYN was answered or not: note a connection to a crashed or hung real server. */
  private noteFault(who: ConnRequest | number, status: string): void {
    const f = this.front.handshakeFault
    const rs = this.front.handshakeEntry?.daddr
    if (f?.kind === 'hang' && status === 'pending' && rs !== undefined) this.hungSyn.set(who, rs)
    else this.hungSyn.delete(who)
    if (f?.kind === 'crash' && status === 'connect-failed: ECONNREFUSED' && rs !== undefined)
      this.metrics?.onFailedConnection(rs)
  }

  /** A client gave up (ETIMEDOUT): a failed connection when its last SYN went to a hung server. */
  private noteTimeout(who: ConnRequest | number): void {
    const rs = this.hungSyn.get(who)
    if (rs !== undefined) {
      this.hungSyn.delete(who)
      this.metrics?.onFailedConnection(rs)
    }
  }

  /** The client's SYN reached a crashed real server, whose RST refused it: no real server took it. */
  private refusedByFault(status: string): boolean {
    return status === 'connect-failed: ECONNREFUSED' && this.front.handshakeFault?.kind === 'crash'
  }

  /** Run a command line now, on the director's shell (faults begun by it: the figures count failures). */
  record(cmd: string): CommandRecord {
    const r = { cmd, ...this.sim.run(cmd) }
    if (!this.sim.faults.empty) this.metrics?.trackFailures()
    return r
  }

  /** The time of the next scenario or traffic event, or Infinity when none is left. */
  nextEventAt(): number {
    this.pullTraffic(Number.POSITIVE_INFINITY, true)
    return this.nextQueuedAt()
  }

  /** The time of the earliest queued event (Infinity when none is). */
  private nextQueuedAt(): number {
    const key = this.queue.peekKey()
    return key === Number.POSITIVE_INFINITY ? key : Math.floor(key / RANKS)
  }

  /** Play every event due at or before `limit`, then let the director's clock reach it. */
  advanceTo(limit: SimMs): void {
    for (;;) {
      this.pullTraffic(limit, false)
      if (this.nextQueuedAt() > limit) break
      this.handleNext()
    }
    this.clock(limit)
    this.drainKeepalived()
  }

  /**
   * Play the next event only (and the director's timers due before it); false when none is left
   * within the run (a client's FIN sent again after `lastEventMs` is not waited for).
   */
  step(): boolean {
    const at = this.nextEventAt()
    if (at === Number.POSITIVE_INFINITY || at > this.lastEventMs) return false
    this.handleNext()
    return true
  }

  /** A scenario event; the run lasts at least until it (the recorder waited for its connections). */
  private push(e: ScenarioEvent): void {
    if (e.at > this.lastEventMs) this.lastEventMs = e.at
    this.queue.push(keyOf(e.at, e.rank), e, Tag.SCENARIO)
  }

  /**
   * What a client's kernel does on its own after the program closed the socket (a FIN sent
   * again): played when its time comes within the run, but it does not make the run longer.
   */
  private pushBackground(e: ScenarioEvent): void {
    this.queue.push(keyOf(e.at, e.rank), e, Tag.SCENARIO)
  }

  /**
   * Traffic is generated a second ahead of the clock, so every request starting before the next
   * event is queued before that event runs.
   */
  private pullTraffic(limit: number, untilNext: boolean): void {
    const gen = this.generator
    if (!gen) return
    for (;;) {
      // Users are planned a second ahead of what is played next: the next queued event, or the
      // next user's arrival when that comes first (an empty queue must not plan the whole run).
      const needed = Math.min(this.nextQueuedAt(), gen.nextArrivalAt, untilNext ? Number.POSITIVE_INFINITY : limit)
      if (this.pulledUntil > this.untilMs || this.pulledUntil > needed) return
      this.pulledUntil = Math.min(
        this.untilMs + 1,
        (needed === Number.POSITIVE_INFINITY ? this.untilMs : needed) + 1000,
      )
      gen.planUntil(this.pulledUntil)
    }
  }

  /** A planned request: its opening (or its datagrams) in the queue, unless it starts after `until`. */
  private queueTraffic(req: ConnRequest): void {
    if (req.at > this.untilMs) {
      this.generator?.release(req)
      return
    }
    this.trafficConnections++
    if (req.proto === 'tcp') this.queue.push(keyOf(req.at, Rank.OPEN), req, Tag.TRAFFIC_OPEN)
    else
      for (let k = 0; k < req.packets; k++)
        // simulated time is whole milliseconds: a sub-millisecond interval sends some datagrams together
        this.queue.push(
          keyOf(Math.round(req.at + k * req.intervalMs), Rank.OPEN),
          req,
          Tag.TRAFFIC_DATAGRAM + TAG_KINDS * k,
        )
  }

  private attempt(a: ClientAttempt): void {
    this.listener.attempt?.(a)
  }

  /** Pop the earliest event and play it. */
  private handleNext(): void {
    const item = this.queue.pop() as ScenarioEvent | ConnRequest
    const tag = this.queue.poppedTag
    const at = Math.floor(this.queue.poppedKey / RANKS) as SimMs
    if (tag === Tag.SCENARIO) this.handle(item as ScenarioEvent)
    else this.handleTraffic(item as ConnRequest, tag, at)
    this.drainKeepalived()
  }

  /**
   * A synthetic user's connection opens, closes, sends its k-th datagram, or its client's
   * retransmission timer fires (the SYN or the FIN again, or the client gives up).
   */
  private handleTraffic(req: ConnRequest, tag: number, at: SimMs): void {
    // Timers due by then fire first (those due at this very millisecond too).
    this.clock(at)
    this.drainKeepalived()
    const sim = this.front
    const kind = tag % TAG_KINDS
    const k = (tag - kind) / TAG_KINDS
    if (tag === Tag.TRAFFIC_OPEN) this.trafficSyn(req, at, 0)
    else if (kind === Tag.TRAFFIC_SYN_TIMER) {
      if (k < SYN_SCHEDULE.retransmits) this.trafficSyn(req, at, k + 1)
      else {
        // tcp_write_timeout(): tcp_syn_retries SYNs went unanswered, connect() fails with ETIMEDOUT
        this.metrics?.onConnectTimedOut()
        this.noteTimeout(req)
        this.trafficAttempt(req, at, null, 'connect-failed: ETIMEDOUT')
        this.generator?.release(req)
      }
    } else if (tag === Tag.TRAFFIC_CLOSE)
      this.trafficFin(req, at, 0, sim.hangUp(req.client, req.clientPort, req.vip, req.vport, 'fin'))
    else if (kind === Tag.TRAFFIC_FIN_TIMER) {
      if (k < ORPHAN_FIN_SCHEDULE.retransmits)
        this.trafficFin(req, at, k + 1, sim.hangUp(req.client, req.clientPort, req.vip, req.vport, 'fin'))
      else {
        this.viaTraffic.delete(req)
        // tcp_write_timeout(): the orphan's tcp_orphan_retries ran out; the socket is destroyed
        this.metrics?.onCloseTimedOut()
        this.generator?.release(req)
      }
    } else {
      const entry = sim.udpDatagram(req.client, req.clientPort, req.vip, req.vport)
      if (k === 0) {
        const by = sim.bypassedTo
        if (by !== null) this.metrics?.onBypass('connection')
        const rsAddr = entry ? entry.daddr : by !== null ? (parseAddr(by) as Addr) : null
        this.metrics?.onConnection(`user ${req.user}`, false, rsAddr, at, this.pair?.holder)
        if (this.listener.attempt)
          this.attempt({
            at,
            proto: 'udp',
            client: req.client,
            clientPort: req.clientPort,
            vip: req.vip,
            vport: req.vport,
            rsAddr,
            user: req.user,
            status: entry ? 'sent' : 'dropped',
          })
      }
      if (k === req.packets - 1) this.generator?.release(req)
    }
  }

  /**
   * A synthetic user's SYN (`firing` = 0) or its retransmission: connected (its close queued),
   * refused, or unanswered — then the timer's next firing is queued, within the run.
   */
  private trafficSyn(req: ConnRequest, at: SimMs, firing: number): void {
    const sim = this.front
    const status = sim.handshake(req.client, req.clientPort, req.vip, req.vport)
    if (sim.handshakeFault) this.noteFault(req, status)
    else if (this.hungSyn.size > 0) this.hungSyn.delete(req)
    if (status === 'pending') {
      this.queueTimer(req, req.at + SYN_SCHEDULE.firings[firing], Rank.OPEN, Tag.TRAFFIC_SYN_TIMER, firing)
      return
    }
    const entry = sim.handshakeEntry
    const by = sim.handshakeBypass
    if (by !== null) this.metrics?.onBypass('connection')
    const rsAddr = entry ? entry.daddr : by !== null ? (parseAddr(by) as Addr) : null
    this.metrics?.onConnection(
      `user ${req.user}`,
      req.app,
      this.refusedByFault(status) ? null : rsAddr,
      at,
      this.pair?.holder,
    )
    this.trafficAttempt(req, at, rsAddr, status)
    const closeAt = at + req.holdMs
    if (status === 'connected' && closeAt <= this.untilMs) {
      if (this.pair) this.viaTraffic.set(req, this.pair.holder)
      this.queue.push(keyOf(closeAt, Rank.CLOSE), req, Tag.TRAFFIC_CLOSE)
    } else this.generator?.release(req)
  }

  /** What became of a synthetic user's FIN: lost, it goes again when the timer fires next (`firing`). */
  private trafficFin(req: ConnRequest, at: SimMs, firing: number, outcome: FinOutcome): void {
    if (this.pair) {
      // RST from a director that took over without this connection
      if (outcome === 'reset' && this.viaTraffic.get(req) !== this.pair.holder) this.metrics?.onFailoverReset()
      if (outcome !== 'lost') this.viaTraffic.delete(req)
    }
    if (outcome !== 'lost') {
      this.generator?.release(req)
      return
    }
    const gap = ORPHAN_FIN_SCHEDULE.firings[firing] - (firing === 0 ? 0 : ORPHAN_FIN_SCHEDULE.firings[firing - 1])
    this.queueTimer(req, at + gap, Rank.CLOSE, Tag.TRAFFIC_FIN_TIMER, firing)
  }

  /** A retransmission timer's firing, queued when it falls within the run (the request is handed back otherwise). */
  private queueTimer(req: ConnRequest, at: number, rank: number, tag: number, firing: number): void {
    if (at > this.untilMs) this.generator?.release(req)
    else this.queue.push(keyOf(at, rank), req, tag + TAG_KINDS * firing)
  }

  private trafficAttempt(req: ConnRequest, at: SimMs, rsAddr: Addr | null, status: string): void {
    if (this.listener.attempt)
      this.attempt({
        at,
        proto: 'tcp',
        client: req.client,
        clientPort: req.clientPort,
        vip: req.vip,
        vport: req.vport,
        rsAddr,
        user: req.user,
        status,
      })
  }

  /** A scenario connection's FIN met RST from a director that took over without it. */
  private noteFailoverReset(index: number, outcome: FinOutcome): void {
    if (outcome !== 'reset' || !this.pair || this.via[index] === this.pair.holder) return
    this.connections[index].status = 'reset'
    this.metrics?.onFailoverReset()
  }

  /** A scenario client's FIN was lost: its retransmission timer fires next (`firing`), in the background. */
  private finTimer(e: ScenarioEvent, firing: number, outcome: FinOutcome): void {
    if (outcome !== 'lost') return
    const gap = ORPHAN_FIN_SCHEDULE.firings[firing] - (firing === 0 ? 0 : ORPHAN_FIN_SCHEDULE.firings[firing - 1])
    this.pushBackground({ at: (e.at + gap) as SimMs, rank: Rank.CLOSE, kind: 'fin-timer', index: e.index, k: firing })
  }

  private handle(e: ScenarioEvent): void {
    const metrics = this.metrics
    // Timers due by then fire first (those due at this very millisecond too): events and listings
    // of the real recorder ran a little after their nominal time.
    this.clock(e.at)
    this.drainKeepalived()
    const sim = this.front
    switch (e.kind) {
      case 'backup-mid': {
        const b = this.pair?.sims[1]
        const m = this.scenario.backup?.midCommands[e.index]
        if (b && m) this.backupCommands.push({ cmd: m.cmd, ...b.run(m.cmd), at: m.at, phase: 'mid' })
        break
      }
      case 'director-crash':
        this.pair?.crash(e.index, e.at)
        break
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
        if (this.pair) this.via[e.index] = this.pair.holder
        if (sim.handshakeFault) this.noteFault(e.index, client.status)
        else if (this.hungSyn.size > 0) this.hungSyn.delete(e.index)
        const rec = this.connections[e.index]
        rec.status = client.status
        rec.rs = clientRs(client)
        const bypassed = client.bypassed !== undefined ? (parseAddr(client.bypassed) as Addr) : null
        if (bypassed !== null) {
          rec.bypassed = true
          metrics?.onBypass('connection')
        }
        if (client.status !== 'pending') {
          const took = this.refusedByFault(client.status) ? null : client.entry ? client.rsAddr : bypassed
          metrics?.onConnection(spec.client, true, took, e.at, this.pair?.holder)
          this.attempt({
            at: e.at,
            proto: 'tcp',
            client: client.saddr,
            clientPort: client.sport,
            vip: client.daddr,
            vport: client.dport,
            rsAddr: client.entry ? client.rsAddr : bypassed,
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
        // No answer: the client's retransmission timer fires next at SYN_SCHEDULE.firings[n] after
        // its first SYN (n: the SYNs sent again so far); the last firing gives up.
        if (client.status === 'pending') {
          const n = client.synRetries
          const at = (secondsToSimMs(spec.at) + SYN_SCHEDULE.firings[n]) as SimMs
          if (n < SYN_SCHEDULE.retransmits) {
            client.synRetries++
            this.push({ at, rank: Rank.OPEN, kind: 'open', index: e.index })
          } else this.push({ at, rank: Rank.OPEN, kind: 'syn-timeout', index: e.index })
        }
        break
      }
      case 'syn-timeout': {
        // tcp_write_timeout(): icsk_retransmits reached tcp_syn_retries, connect() fails
        const client = this.clients[e.index] as ClientTcp
        const rec = this.connections[e.index]
        rec.status = client.status = 'connect-failed: ETIMEDOUT'
        metrics?.onConnectTimedOut()
        this.noteTimeout(e.index)
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
        break
      }
      case 'close': {
        const client = this.clients[e.index] as ClientTcp
        const outcome = sim.tcpClose(client, this.scenario.connections[e.index].close ?? 'fin')
        this.noteFailoverReset(e.index, outcome)
        if (outcome === 'reset' && sim.bypassedTo !== null) {
          // the router sent the FIN to a real server that never had this connection: RST
          this.connections[e.index].status = 'reset'
          metrics?.onBypass('reset')
        }
        this.finTimer(e, 0, outcome)
        break
      }
      case 'fin-timer': {
        const client = this.clients[e.index] as ClientTcp
        if (e.k < ORPHAN_FIN_SCHEDULE.retransmits) {
          const outcome = sim.tcpRetransmitFin(client)
          this.noteFailoverReset(e.index, outcome)
          this.finTimer(e, e.k + 1, outcome)
        }
        // tcp_write_timeout(): the orphan's tcp_orphan_retries ran out; the socket is destroyed
        else metrics?.onCloseTimedOut()
        break
      }
      case 'datagram': {
        const c = this.scenario.connections[e.index]
        const entry = sim.udpDatagram(
          parseAddr(c.client) as Addr,
          asPort(c.clientPort),
          parseAddr(c.vip) as Addr,
          asPort(c.vport),
          c.payload,
        )
        const by = sim.bypassedTo
        const rs = entry ? formatAddrPort(entry.daddr, entry.dport) : by !== null ? `${by}:${c.vport}` : null
        const rec = this.connections[e.index]
        if (by !== null) rec.bypassed = true
        rec.datagrams?.push({ k: e.k, rs })
        if (e.k === 0) {
          rec.rs = rs
          rec.status = 'sent'
          metrics?.onConnection(
            c.client,
            false,
            entry ? entry.daddr : by !== null ? parseAddr(by) : null,
            e.at,
            this.pair?.holder,
          )
          this.attempt({
            at: e.at,
            proto: 'udp',
            client: parseAddr(c.client) as Addr,
            clientPort: c.clientPort,
            vip: parseAddr(c.vip) as Addr,
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
          if (k > 0) this.clock((e.at + k * SNAPSHOT_COMMAND_MS) as SimMs)
          return this.record(cmd)
        })
        this.snapshots.push({ at: s.at, outputs })
        this.listener.snapshot?.(s.at, outputs)
        break
      }
    }
  }
}

/** A daemon's line (at ms) as the run records it among the commands (at seconds, with its source). */
function daemonRecord(
  c: CommandResult & { cmd: string; at: number },
  source: DaemonSource,
  phase: 'initial' | 'mid',
): CommandRecord & { at: number; phase: 'initial' | 'mid'; source: DaemonSource } {
  return { cmd: c.cmd, stdout: c.stdout, stderr: c.stderr, exit: c.exit, at: c.at / 1000, phase, source }
}
