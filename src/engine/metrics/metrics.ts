import type { Director, DirectorEvent } from '../ipvs/director'
import { type Addr, formatAddr, parseAddr } from '../net/ipv6'
import type { SimMs } from '../sim/time'

/**
 * Bytes of kernel memory per connection-table entry (templates included): `struct ip_vs_conn` on a
 * 6.1 x86_64 kernel without lock debugging is 288 bytes by its field layout, and the slab cache is
 * created with SLAB_HWCACHE_ALIGN, so each object takes 320 bytes (computed, not measured).
 */
export const IP_VS_CONN_SLAB_BYTES = 320

/** Sliding windows of per-RS connection counts: 1-second bins, this many of them. */
const WINDOW_BINS = 60

interface RsCounters {
  /** Connections the RS received, all run long. */
  total: number
  /** Ring of 1-second bins for connections/s. */
  bins: Uint32Array
  binStart: number
}

export interface RealServerFigures {
  address: string
  weight: number
  connections: number
  connectionsPerSecond: number
  activeConns: number
  inactConns: number
  templates: number
  /** Connections sent to it that failed because it was down (a fault): present with `failedConnections`. */
  failedConnections?: number
}

export interface MetricsSnapshot {
  atSeconds: number
  connections: number
  /**
   * Connection attempts no real server took: ICMP port unreachable, or nothing listening — the
   * director's own stack, or a crashed real server (a fault) answered RST.
   */
  refused: number
  /**
   * Connections a client gave up on, its packets dropped by the director every time it sent them
   * (host/tcpRetransmit.ts): `connect`, attempts whose SYN went unanswered through
   * tcp_syn_retries (connect() failed with ETIMEDOUT: counted in `connections` too, like a
   * refusal); `close`, connections whose FIN was never acknowledged through tcp_orphan_retries.
   * Present only once a client has given up, so that a run with no lost packet reads as before.
   */
  timedOut?: { connect: number; close: number }
  /**
   * Connections that failed because the real server they were sent to was down (a scenario's
   * `faults`: crashed — the client got RST; hung — its SYNs went unanswered to ETIMEDOUT).
   * Present with keepalived or faults in the scenario.
   */
  failedConnections?: number
  /**
   * Sessions broken by a failover (a scenario with a `backup` director): a user's application
   * connection reached, through the director that now holds the VIP, a real server other than the
   * one holding the user's session, which the user last reached through the other director — the
   * new director had no template for the user (no sync daemon, or not yet sent). Present with
   * `failedConnections`; 0 with one director.
   */
  brokenSessionsByFailover?: number
  /**
   * With a `backup` director: connections whose next packet (their FIN) reached a director that
   * had never heard of them (not synced yet, or no sync at all), whose own stack answered RST.
   */
  connectionsResetByFailover?: number
  /**
   * Client packets the router sent straight to a real server instead of the director (its ARP
   * entry for the VIP held that server's MAC: the ARP problem, wire/arp.ts): `connections`
   * accepted there without the director (no entry, no template), `resets` packets of a
   * connection the director had given another real server, answered with RST. Present only when
   * it happened.
   */
  bypassed?: { connections: number; resets: number }
  /** A user's application connection reached a server that did not hold the user's session. */
  brokenSessions: number
  /** Users whose session broke at least once. */
  usersWithBrokenSession: number
  /** Share of users' application connections that reached the user's first server (0…1). */
  stickiness: number
  /** max / mean of the weight-normalised connections per real server over the whole run (1 = perfect). */
  imbalance: number
  /** Coefficient of variation of the same. */
  imbalanceCv: number
  /** max / mean of the weight-normalised connections the servers hold right now (active + inactive). */
  currentImbalance: number
  templates: {
    live: number
    peak: number
    /** Templates the kernel re-armed (60 s) because connections still depended on them. */
    keptPastTimeout: number
    bytes: number
    peakBytes: number
  }
  realServers: RealServerFigures[]
}

interface UserState {
  firstRs: Addr
  sessionRs: Addr
  appConnections: number
  onFirst: number
  broken: boolean
  /** The director (0, 1) the user's last connection went through, with two directors. */
  via: number
}

/**
 * The figures a teacher shows, kept incrementally as connections happen and read at any time:
 * per-server counts and rates, balance, stickiness, broken sessions, refusals, template memory.
 */
export class Metrics {
  private readonly rs = new Map<Addr, RsCounters>()
  private readonly users = new Map<string, UserState>()
  private connections = 0
  private refused = 0
  private connectTimedOut = 0
  private closeTimedOut = 0
  private bypassedConnections = 0
  private bypassResets = 0
  private broken = 0
  private brokenUsers = 0
  private appConnections = 0
  private onFirst = 0
  private peakTemplates = 0
  private readonly rearmed = new Set<number>()
  private readonly sessionSharing: boolean
  private readonly director: Director
  private failures: boolean
  private failed = 0
  private brokenByFailover = 0
  private resetByFailover = 0
  private readonly pair: boolean
  /** With two directors, the pair: its `front` (the VIP's holder) is the director whose real servers are read now. */
  private readonly twoDirectors: { readonly front: { readonly director: Director } } | null
  /** Failed connections by the real server they were sent to. */
  private readonly failedBy = new Map<Addr, number>()

  constructor(
    director: Director,
    opts: {
      sessionSharing?: boolean
      failures?: boolean
      pair?: { readonly front: { readonly director: Director } }
    } = {},
  ) {
    this.director = director
    this.sessionSharing = opts.sessionSharing ?? false
    this.failures = opts.failures ?? false
    this.pair = opts.pair !== undefined
    // an object, not a closure: a deep copy of the run (the app's checkpoints) copies it with the pair
    this.twoDirectors = opts.pair ?? null
  }

  /** A connection's FIN met a director that had taken over without it: RST. */
  onFailoverReset(): void {
    this.resetByFailover++
  }

  /** A connection failed because its real server `rsAddr` was down (crashed or hung). */
  onFailedConnection(rsAddr: Addr): void {
    this.failed++
    this.failedBy.set(rsAddr, (this.failedBy.get(rsAddr) ?? 0) + 1)
  }

  /** Faults began mid-run (`lab-fault`): the figures count failed connections from now on. */
  trackFailures(): void {
    this.failures = true
  }

  /** Feed the director's events (template re-arms, peaks). */
  onDirectorEvent = (e: DirectorEvent): void => this.noteDirectorEvent(e)

  /** After a deep copy (the app's rewind checkpoints): the listener above speaks for the copy. */
  relink(): void {
    this.onDirectorEvent = (e: DirectorEvent): void => this.noteDirectorEvent(e)
  }

  private noteDirectorEvent(e: DirectorEvent): void {
    if (e.type === 'template-rearmed') this.rearmed.add(e.template.id)
    else if (e.type === 'template-created') {
      const live = this.director.table.templates
      if (live > this.peakTemplates) this.peakTemplates = live
    }
  }

  /** A connection attempt and where it went: the real server's address, or null (refused). */
  onConnection(user: string, app: boolean, rsAddr: Addr | number | null, at: SimMs, via = 0): void {
    this.connections++
    if (rsAddr === null) {
      this.refused++
      return
    }
    const addr = rsAddr as Addr
    let c = this.rs.get(addr)
    if (!c) {
      c = { total: 0, bins: new Uint32Array(WINDOW_BINS), binStart: Math.floor(at / 1000) }
      this.rs.set(addr, c)
    }
    c.total++
    this.bin(c, at)
    if (!app) return
    let u = this.users.get(user)
    if (!u) {
      u = { firstRs: addr, sessionRs: addr, appConnections: 0, onFirst: 0, broken: false, via }
      this.users.set(user, u)
    }
    u.appConnections++
    this.appConnections++
    if (u.firstRs === addr) {
      u.onFirst++
      this.onFirst++
    }
    if (u.sessionRs !== addr && !this.sessionSharing) {
      // The server has never seen this session: the user is logged out (cart lost) and logs in again there.
      this.broken++
      if (!u.broken) this.brokenUsers++
      u.broken = true
      u.sessionRs = addr
      if (u.via !== via) this.brokenByFailover++
    }
    u.via = via
  }

  /** A client's SYN retransmissions all went unanswered: a connection attempt that failed (ETIMEDOUT). */
  onConnectTimedOut(): void {
    this.connections++
    this.connectTimedOut++
  }

  /** The router sent a client's packet straight to a real server: a connection it accepted, or a packet it reset. */
  onBypass(what: 'connection' | 'reset'): void {
    if (what === 'connection') this.bypassedConnections++
    else this.bypassResets++
  }

  /** A closed client's FIN retransmissions all went unanswered: its socket was destroyed. */
  onCloseTimedOut(): void {
    this.closeTimedOut++
  }

  private bin(c: RsCounters, at: number): void {
    const sec = Math.floor(at / 1000)
    // Advance the ring, clearing bins that fell out of the window (all of them after a long quiet).
    if (sec - c.binStart >= 2 * WINDOW_BINS) {
      c.bins.fill(0)
      c.binStart = sec - WINDOW_BINS + 1
    }
    while (c.binStart + WINDOW_BINS <= sec) {
      c.bins[c.binStart % WINDOW_BINS] = 0
      c.binStart++
    }
    c.bins[sec % WINDOW_BINS]++
  }

  /** Connections per second over the last `seconds` (≤ 60) before `now`. */
  private rate(c: RsCounters, now: number, seconds: number): number {
    const sec = Math.floor(now / 1000)
    let n = 0
    for (let s = sec - seconds + 1; s <= sec; s++)
      if (s >= c.binStart && s < c.binStart + WINDOW_BINS) n += c.bins[s % WINDOW_BINS]
    return n / seconds
  }

  snapshot(windowSeconds = 10): MetricsSnapshot {
    const d = this.twoDirectors ? this.twoDirectors.front.director : this.director
    const now = d.now
    // Real servers as machines: one address may serve several services; its weight is its largest.
    const servers = new Map<string, RealServerFigures>()
    for (const svc of d.services)
      for (const dest of svc.destinations) {
        const address = formatAddr(dest.addr)
        const f = servers.get(address) ?? {
          address,
          weight: 0,
          connections: 0,
          connectionsPerSecond: 0,
          activeConns: 0,
          inactConns: 0,
          templates: 0,
        }
        f.weight = Math.max(f.weight, dest.weight)
        f.activeConns += dest.activeConns
        f.inactConns += dest.inactConns
        f.templates += dest.persistConns
        servers.set(address, f)
      }
    for (const [addr, c] of this.rs) {
      const f = servers.get(formatAddr(addr))
      if (!f) continue
      f.connections = c.total
      f.connectionsPerSecond = this.rate(c, now, Math.min(windowSeconds, WINDOW_BINS))
    }
    if (this.failures)
      for (const f of servers.values()) f.failedConnections = this.failedBy.get(parseAddr(f.address) as Addr) ?? 0
    const list = [...servers.values()].sort((a, b) => (a.address < b.address ? -1 : 1))
    const weighted = list.filter((f) => f.weight > 0)
    const ratio = (values: number[]) => {
      if (values.length === 0) return { maxMean: 1, cv: 0 }
      const mean = values.reduce((s, x) => s + x, 0) / values.length
      if (mean === 0) return { maxMean: 1, cv: 0 }
      // a loop, not Math.max(...values): 65,535 real servers would overflow a worker's stack
      const max = values.reduce((m, x) => Math.max(m, x), Number.NEGATIVE_INFINITY)
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length)
      return { maxMean: max / mean, cv: sd / mean }
    }
    const overall = ratio(weighted.map((f) => f.connections / f.weight))
    const current = ratio(weighted.map((f) => (f.activeConns + f.inactConns) / f.weight))
    const live = d.table.templates
    if (live > this.peakTemplates) this.peakTemplates = live
    return {
      atSeconds: now / 1000,
      connections: this.connections,
      refused: this.refused,
      ...(this.connectTimedOut + this.closeTimedOut > 0
        ? { timedOut: { connect: this.connectTimedOut, close: this.closeTimedOut } }
        : {}),
      ...(this.failures ? { failedConnections: this.failed, brokenSessionsByFailover: this.brokenByFailover } : {}),
      ...(this.pair ? { connectionsResetByFailover: this.resetByFailover } : {}),
      ...(this.bypassedConnections + this.bypassResets > 0
        ? { bypassed: { connections: this.bypassedConnections, resets: this.bypassResets } }
        : {}),
      brokenSessions: this.broken,
      usersWithBrokenSession: this.brokenUsers,
      stickiness: this.appConnections === 0 ? 1 : this.onFirst / this.appConnections,
      imbalance: overall.maxMean,
      imbalanceCv: overall.cv,
      currentImbalance: current.maxMean,
      templates: {
        live,
        peak: this.peakTemplates,
        keptPastTimeout: this.rearmed.size,
        bytes: live * IP_VS_CONN_SLAB_BYTES,
        peakBytes: this.peakTemplates * IP_VS_CONN_SLAB_BYTES,
      },
      realServers: list,
    }
  }
}
