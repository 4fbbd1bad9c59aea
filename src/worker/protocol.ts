/**
 * The worker's message protocol, version 1: requests in (what the user wants), frames out (what
 * the engine did). Frames carry deltas since the previous frame; numbers travel in typed arrays.
 * This is the only file the UI and the worker share.
 */

import type { DaemonSource, ImportAnswer, ImportKind, PairState } from '../engine/index'
import type { Addr } from '../engine/net/ipv6'
import type { NetfilterStep } from '../engine/wire/netfilterPath'

export type { ImportAnswer, ImportKind, NetfilterStep, PairState }

export const PROTOCOL_VERSION = 1

/**
 * How an address travels in a frame's numbers (an "address number"): an IPv4 address is its
 * host-order u32 (0…2³²−1), as it always was; an IPv6 address is V6_ADDR_BASE + its index in the
 * worker's address book (`src/worker/addrBook.ts`), whose entries reach the page in the frames'
 * `addrs` (a Float64 lane holds either exactly). An index never changes meaning while the worker
 * runs; a restarted worker starts its book again from 0 and sends it again.
 */
export const V6_ADDR_BASE = 2 ** 32

/** New entries of the worker's address book: `list[i]` is the IPv6 address (inet_ntop text) of index `from + i`. */
export interface AddrBookDelta {
  from: number
  list: string[]
}

/** The address an address number stands for (`v6`: the page's copy of the book); null for an index it has not been sent. */
export function decodeAddr(n: number, v6: readonly string[]): Addr | null {
  if (n < V6_ADDR_BASE) return n >= 0 ? ((n >>> 0) as Addr) : null
  const text = v6[n - V6_ADDR_BASE]
  return text === undefined ? null : (text as Addr)
}

/** Fold a book delta into the page's copy (idempotent: a resent entry writes the same text). */
export function applyAddrBook(v6: string[], d: AddrBookDelta | null): void {
  if (!d) return
  for (let i = 0; i < d.list.length; i++) v6[d.from + i] = d.list[i]
}

/** Speeds the worker accepts: simulated seconds per wall second. */
export const MIN_SPEED = 0.1
export const MAX_SPEED = 1000

export type Request =
  /**
   * Load a scenario and rewind to 0, paused: the parsed JSON of a scenario file, or its text
   * (parsed here, so a file of megabytes does not stall the page).
   */
  | {
      type: 'load'
      scenario: unknown
      name: string
      seed?: number
      /** A saved session's journal: typed commands folded into the scenario at their times before it loads. */
      journal?: JournalLine[]
    }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'speed'; speed: number }
  /** One scenario event, or one simulated second. */
  | { type: 'step'; unit: 'event' | 'second' }
  /**
   * Jump to an earlier (or later) simulated time; `id` (the page's, increasing) comes back in the
   * frames' `seekId` once it was handled.
   */
  | { type: 'seek'; toMs: number; id?: number }
  /** Start again from 0 with the same scenario (the commands typed are forgotten). */
  | { type: 'reset'; seed?: number }
  /**
   * A command line run at the current simulated time: typed in the console, or run for the user by
   * a button or a lesson step (`by`, default `typed`: the console labels it).
   */
  | { type: 'run'; id: number; line: string; by?: PageSource }
  /** Replace the configuration with a script (ipvsadm-save / iptables -S lines), all or nothing. */
  | { type: 'apply-script'; id: number; script: string }
  /** The main thread is ready to draw: advance to wall time × speed and send one frame. */
  | {
      type: 'frame'
      wallMs: number
      listing: string | null
      listingFilter: string
      /** keepalived's log is on screen: after a seek from the history, the engine catches up for it as for a listing. */
      log?: boolean
    }
  /** Explain a connection attempt, a template or a real server. */
  | { type: 'why'; id: number; target: WhyTarget }
  /** The running configuration as an editable script. */
  | { type: 'script' }
  /** One template as `ipvsadm -Lnc` prints it now (for the timeline's hover). */
  | { type: 'template-line'; templateId: number }
  /**
   * The scenario as it stands: the loaded one with the commands typed since folded in; nothing but
   * the version when it is still `unlessVersion`. With `journal`, the scenario as loaded (its
   * version changes only with a load or a reset) and the typed commands beside it, as a journal.
   */
  | { type: 'export-scenario'; id: number; unlessVersion?: string; journal?: boolean }
  /** The director's IPVS table as the keepalived.conf that would program it (issue 16). */
  | { type: 'keepalived-conf'; id: number }
  /**
   * A pasted or opened text as a fresh lab's scenario (a keepalived.conf, a Kubernetes manifest,
   * a scenario file: `kind`, else recognised), or the programs' errors; nothing is loaded.
   */
  | { type: 'import-text'; id: number; text: string; fileName: string; kind?: ImportKind }
  /** Compare mode: the base scenario's traffic (and seed) through each configuration. */
  | { type: 'compare-start'; base: unknown; configs: CompareConfig[] }
  | { type: 'compare-stop' }
  /** Play, and pause by itself at `toMs` (a lesson's "run to t = 150 s"). */
  | { type: 'play-until'; toMs: number }
  /** Replay a real-kernel recording's scenario and compare, field by field (fidelity, shown). */
  | { type: 'fidelity'; id: number; scenario: unknown; recording: unknown }
  /** Replay the run under the textbook's template rule too, and mark where the two differ. */
  | { type: 'textbook'; on: boolean }
  /** Ask the engine a question about the scenario as it stands, on a scratch copy (lessons, exercises). */
  /** A probe on a scratch copy of `scenario` (absent: of the scenario as it stands, typed commands folded in). */
  | { type: 'probe'; id: number; probe: Probe; scenario?: unknown }
  /**
   * The packets on the wire of one connection, a time window or the whole run (issue 15), and with
   * `pcap` a libpcap file of them: from the live run's newest packets, or a scratch re-run.
   */
  | { type: 'packets'; id: number; wanted: PacketsWanted; pcap: boolean }

/** A command typed (`run`) or a script applied (`apply`) at a simulated time: one line of the command journal. */
export interface JournalLine {
  atMs: number
  kind: 'run' | 'apply'
  text: string
  /** A command (`run`): who ran it (absent: typed in the console). */
  by?: PageSource
}

/**
 * Who ran a command while the scenario played: its own `midCommands`, keepalived on the director
 * (an `ipvsadm` line its health checks made: derived from the run, never journaled), or the page.
 */
export type CommandSource = 'scenario' | DaemonSource | PageSource
/** The page's ways to run a command: typed in the console, a panel's button, a lesson step. */
export type PageSource = 'typed' | 'button' | 'lesson'
export const PAGE_SOURCES: readonly string[] = ['typed', 'button', 'lesson'] satisfies PageSource[]

/** A command that ran while the scenario played (not one of its initial commands), at its simulated time. */
export interface MidRunCommand {
  atMs: number
  by: CommandSource
  /** The command line, and what the tool printed: its own words. */
  cmd: string
  stdout: string
  stderr: string
  exit: number
}

export type WhyTarget =
  | { kind: 'attempt'; seq: number }
  | { kind: 'template'; templateId: number }
  /** `addr`: an address number (V6_ADDR_BASE). */
  | { kind: 'rs'; addr: number; port: number }

/** One reason step of a "Why?" answer: a key the UI translates, with its values. */
export interface WhyStep {
  key: string
  values: Record<string, string | number>
}

/** A service and its real servers as the Director and Real servers panels draw them. */
export interface ServiceView {
  key: string
  /** `TCP 192.168.100.100:80`, `TCP [2001:db8::10]:80`, `FWM 80`: as ipvsadm -Ln names it. */
  label: string
  /** The service's family (a fwmark service's: `-6` or not). */
  family: 'inet' | 'inet6'
  scheduler: string
  /** Persistence timeout in seconds, 0 when not persistent. */
  persistSec: number
  /**
   * The persistence netmask as ipvsadm -S writes it: IPv4 dotted (255.255.255.255 unless -M), IPv6
   * the prefix length (128 unless -M).
   */
  netmask: string
  /** The first MAX_SHOWN_DESTINATIONS real servers by address… */
  destinations: DestinationView[]
  /** …and how many more there are (drawn as one summed row). */
  hiddenDestinations: number
}

/** Real servers drawn one by one per service; beyond them, one row sums the rest (65,535 would not draw). */
export const MAX_SHOWN_DESTINATIONS = 16

export interface DestinationView {
  /** An address number (V6_ADDR_BASE). */
  addr: number
  port: number
  /** `192.168.8.101:80`, `[2001:db8:8::101]:80` */
  label: string
  weight: number
  forward: 'Route' | 'Masq' | 'Tunnel' | 'Local'
  activeConns: number
  inactConns: number
  persistConns: number
  /** Connections this destination took since the start. */
  conns: number
}

/**
 * Recent client attempts, ATTEMPT_FIELDS numbers each, at the offsets AttemptField names: at (ms),
 * client address, client port, VIP, VIP port, real server address (−1: none took it; addresses are
 * address numbers, see V6_ADDR_BASE), how it was
 * decided (see AttemptHow), template id (0: none). Written by encodeAttempt, read by decodeAttempt.
 */
export const AttemptField = {
  AT: 0,
  CLIENT: 1,
  CLIENT_PORT: 2,
  VIP: 3,
  VPORT: 4,
  RS_ADDR: 5,
  HOW: 6,
  TEMPLATE_ID: 7,
} as const
export const ATTEMPT_FIELDS = 8
export const AttemptHow = { SCHEDULED: 0, TEMPLATE_HIT: 1, TEMPLATE_NEW: 2, REFUSED: 3, DROPPED: 4, LOCAL: 5 } as const

/** One attempt as its row holds it. */
export interface AttemptRecord {
  at: number
  client: number
  clientPort: number
  vip: number
  vport: number
  /** −1: no real server took it. */
  rsAddr: number
  how: number
  /** 0: no template. */
  templateId: number
}

/** Write one attempt's row at `offset` (a multiple of ATTEMPT_FIELDS). */
export function encodeAttempt(out: Float64Array, offset: number, a: AttemptRecord): void {
  out[offset + AttemptField.AT] = a.at
  out[offset + AttemptField.CLIENT] = a.client
  out[offset + AttemptField.CLIENT_PORT] = a.clientPort
  out[offset + AttemptField.VIP] = a.vip
  out[offset + AttemptField.VPORT] = a.vport
  out[offset + AttemptField.RS_ADDR] = a.rsAddr
  out[offset + AttemptField.HOW] = a.how
  out[offset + AttemptField.TEMPLATE_ID] = a.templateId
}

/** The attempt in row `row` (0-based) of a frame's `attempts`. */
export function decodeAttempt(a: Float64Array, row: number): AttemptRecord {
  const o = row * ATTEMPT_FIELDS
  return {
    at: a[o + AttemptField.AT],
    client: a[o + AttemptField.CLIENT],
    clientPort: a[o + AttemptField.CLIENT_PORT],
    vip: a[o + AttemptField.VIP],
    vport: a[o + AttemptField.VPORT],
    rsAddr: a[o + AttemptField.RS_ADDR],
    how: a[o + AttemptField.HOW],
    templateId: a[o + AttemptField.TEMPLATE_ID],
  }
}

/** Every attempt of a frame's `attempts`, in order. */
export function decodeAttempts(a: Float64Array): AttemptRecord[] {
  const out: AttemptRecord[] = []
  for (let row = 0; row * ATTEMPT_FIELDS < a.length; row++) out.push(decodeAttempt(a, row))
  return out
}

/**
 * Template rows that changed, TEMPLATE_FIELDS numbers each at the offsets TemplateField names: id,
 * client address (masked; addresses are address numbers, see V6_ADDR_BASE), service VIP or, for a fwmark
 * template, the mark itself, service port (65535: invalidated), real server
 * address, real server port, created at (ms), expires at (ms; the timer's current deadline), first
 * re-arm at (ms, −1: never kept past its timeout), expired at (ms, −1: live), whose table it is in
 * (0: the director, 1: the backup of a scenario with two). Refresh ticks come separately, as pairs.
 */
export const TemplateField = {
  ID: 0,
  CLIENT: 1,
  VADDR_OR_MARK: 2,
  VPORT: 3,
  RS_ADDR: 4,
  RS_PORT: 5,
  CREATED_AT: 6,
  EXPIRES_AT: 7,
  FIRST_REARM_AT: 8,
  EXPIRED_AT: 9,
  DIRECTOR: 10,
} as const
export const TEMPLATE_FIELDS = 11
/** The service port a template row carries once the template was invalidated. */
export const INVALIDATED_VPORT = 65535

/** One template as its row holds it. */
export interface TemplateRecord {
  id: number
  client: number
  /** VIP address, or the firewall mark for a fwmark service (`vport` is then 0). */
  vaddrOrMark: number
  vport: number
  rsAddr: number
  rsPort: number
  createdAt: number
  expiresAt: number
  firstRearmAt: number
  expiredAt: number
  /** Whose table it is in: 0 the director, 1 the backup (a scenario with two directors). */
  director: number
}

/** The rows of `records`, in order, as one typed array. */
export function encodeTemplates(records: readonly TemplateRecord[]): Float64Array {
  const out = new Float64Array(records.length * TEMPLATE_FIELDS)
  records.forEach((r, i) => {
    const o = i * TEMPLATE_FIELDS
    out[o + TemplateField.ID] = r.id
    out[o + TemplateField.CLIENT] = r.client
    out[o + TemplateField.VADDR_OR_MARK] = r.vaddrOrMark
    out[o + TemplateField.VPORT] = r.vport
    out[o + TemplateField.RS_ADDR] = r.rsAddr
    out[o + TemplateField.RS_PORT] = r.rsPort
    out[o + TemplateField.CREATED_AT] = r.createdAt
    out[o + TemplateField.EXPIRES_AT] = r.expiresAt
    out[o + TemplateField.FIRST_REARM_AT] = r.firstRearmAt
    out[o + TemplateField.EXPIRED_AT] = r.expiredAt
    out[o + TemplateField.DIRECTOR] = r.director
  })
  return out
}

/** The template in row `row` (0-based) of a frame's `templates`. */
export function decodeTemplate(t: Float64Array, row: number): TemplateRecord {
  const o = row * TEMPLATE_FIELDS
  return {
    id: t[o + TemplateField.ID],
    client: t[o + TemplateField.CLIENT],
    vaddrOrMark: t[o + TemplateField.VADDR_OR_MARK],
    vport: t[o + TemplateField.VPORT],
    rsAddr: t[o + TemplateField.RS_ADDR],
    rsPort: t[o + TemplateField.RS_PORT],
    createdAt: t[o + TemplateField.CREATED_AT],
    expiresAt: t[o + TemplateField.EXPIRES_AT],
    firstRearmAt: t[o + TemplateField.FIRST_REARM_AT],
    expiredAt: t[o + TemplateField.EXPIRED_AT],
    director: t[o + TemplateField.DIRECTOR],
  }
}

/** Every template row of a frame's `templates`, in order. */
export function decodeTemplates(t: Float64Array): TemplateRecord[] {
  const out: TemplateRecord[] = []
  for (let row = 0; row * TEMPLATE_FIELDS < t.length; row++) out.push(decodeTemplate(t, row))
  return out
}

/**
 * A real server's counters, RS_COUNTER_FIELDS numbers each at the offsets RsCounterField names:
 * ActiveConn, InActConn, templates (persistConns), connections so far, weight.
 */
export const RsCounterField = { ACTIVE: 0, INACTIVE: 1, PERSIST: 2, CONNS: 3, WEIGHT: 4 } as const
export const RS_COUNTER_FIELDS = 5

export interface RsCounters {
  activeConns: number
  inactConns: number
  persistConns: number
  conns: number
  weight: number
}

/** Append one counters row to `out` (a plain array, made typed once the frame is complete). */
export function pushRsCounters(out: number[], c: RsCounters): void {
  // in RsCounterField order
  out.push(c.activeConns, c.inactConns, c.persistConns, c.conns, c.weight)
}

/** The counters row at `row` (0-based) of a frame's `rsCounters`, or null past its end. */
export function decodeRsCounters(c: Float64Array, row: number): RsCounters | null {
  const o = row * RS_COUNTER_FIELDS
  if (o + RS_COUNTER_FIELDS > c.length) return null
  return {
    activeConns: c[o + RsCounterField.ACTIVE],
    inactConns: c[o + RsCounterField.INACTIVE],
    persistConns: c[o + RsCounterField.PERSIST],
    conns: c[o + RsCounterField.CONNS],
    weight: c[o + RsCounterField.WEIGHT],
  }
}

/**
 * Pairs (template id, time ms): a frame's `refreshes` (when a template was refreshed) and
 * `textbookMarks` (when the textbook rule would have dropped it).
 */
export const PAIR_FIELDS = 2

/** The pairs of `a` in order, as [template id, time ms]. */
export function decodePairs(a: Float64Array): [id: number, atMs: number][] {
  const out: [number, number][] = []
  for (let i = 0; i + PAIR_FIELDS <= a.length; i += PAIR_FIELDS) out.push([a[i], a[i + 1]])
  return out
}

/** A replayed recording beside the real kernel: every compared field, and whether it matched. */
export type FidelityResult =
  | {
      ok: true
      name: string
      kernel: string
      fields: {
        path: string
        cmd: string | null
        ok: boolean
        expected: string
        actual: string
        detail: string | null
      }[]
    }
  | { ok: false; error: string }

/** The figures a probe may ask (`failedConnections`: 0 in a run that counts none). */
export type ProbeMetric =
  | 'brokenSessions'
  | 'stickiness'
  | 'imbalance'
  | 'templatesLive'
  | 'refused'
  | 'failedConnections'
  /** With a backup director (docs/two-directors.md): sessions broken by a failover, FINs met by RST. */
  | 'brokenSessionsByFailover'
  | 'connectionsResetByFailover'

/** What a lesson or an exercise asks the engine. Times in simulated ms. */
export type Probe =
  /** Which real server the scenario's connection number `index` reaches (address, or null). */
  | { kind: 'connection-rs'; index: number }
  /** Is a persistence template for this client (masked as the service masks it) live at `atMs`? */
  | { kind: 'template-live'; client: string; atMs: number }
  /** A figure of the run at `atMs`. */
  | { kind: 'metric'; name: ProbeMetric; atMs: number }
  /**
   * With a backup director (docs/two-directors.md), at `atMs`: which director gets the clients'
   * packets (`vip-holder`: `director`, `backup`, or null: none, its holder lost power), director
   * `of`'s VRRP state (`vrrp-state`: its first vrrp_instance's, `down` without power, null without
   * one), its entries (`templates`, `connections`), when VRRP last moved the VIP (`vip-moved-at`,
   * seconds; null: never), its VRRP master-down interval (`master-down-interval`, seconds:
   * 3 × advert_int + skew), and how many of director `of`'s live templates send their client
   * elsewhere than the other director's live template for the same client and service does, or
   * have none there (`templates-elsewhere`: 0 when the sync daemon gave it exactly the other's).
   */
  | {
      kind: 'pair'
      what:
        | 'vip-holder'
        | 'vrrp-state'
        | 'templates'
        | 'connections'
        | 'vip-moved-at'
        | 'master-down-interval'
        | 'templates-elsewhere'
      of?: 'director' | 'backup'
      atMs: number
    }
  /**
   * The first packet of the scenario's connection number `index` sent to its client (its hop ends
   * at the client) — the reply the client sees (issue 15, from the engine's Wire): its IP source
   * address (`source`), or the host that sent it (`sender`: `real-server`, `director`); null: none.
   */
  | { kind: 'reply'; index: number; what: 'source' | 'sender' }

/**
 * A probe's answer; for a connection's real server, `why` is the engine's decision in words — the
 * same steps "Why?" gives for that connection in the lab.
 */
export type ProbeAnswer =
  | { ok: true; value: string | number | boolean | null; why?: WhyStep[] }
  | { ok: false; error: string }

/**
 * Which packets: one connection's (`client` `10.0.0.1:40001`, `virtual` `192.168.100.100:80`, as
 * `ipvsadm -Lnc` names them; `atMs` when it started), else the window `fromMs`–`toMs` (absent:
 * the whole run so far).
 */
export interface PacketsWanted {
  conn: { client: string; virtual: string; atMs: number } | null
  fromMs?: number
  toMs?: number
}

/** One packet as the Packets view draws it (src/engine/wire WirePacket, headers by name). */
export interface PacketView {
  n: number
  at: number
  conn: { proto: 'tcp' | 'udp'; client: string; virtual: string; real: string | null }
  hop: string
  from: { role: string; addr: string; mac: string }
  to: { role: string; addr: string; mac: string }
  /** The kernel function that sent it (`ip_vs_dr_xmit`, `tcp_connect`, …). */
  fn: string
  /** forwarded, local, refused, delivered, dropped:REASON. */
  fate: string
  madeFrom: number | null
  frameLength: number
  /** headerFields(): `eth.src`, `ip.ttl`, `tcp.flags`, `outer.ip.dst`, … */
  fields: Record<string, string>
  /** The fields this hop changed (changedFields of the packet it was made from): the view highlights them. */
  changed: string[]
  /** client→director only: the director's netfilter path up to IPVS (src/engine/wire/netfilterPath.ts). */
  netfilter?: NetfilterStep[]
}

/**
 * The packets asked for: `source` `kept` (the live run's newest) or `rerun` (a scratch run of the
 * scenario as it stands); `complete` false when the re-run ran out of time before the present;
 * `more` packets beyond those sent; `pcap` the file when asked.
 */
export type PacketsAnswer =
  | {
      ok: true
      source: 'kept' | 'rerun'
      complete: boolean
      packets: PacketView[]
      more: number
      pcap: Uint8Array | null
    }
  | { ok: false; error: string }

/** One configuration of a comparison: its commands, and whether sessions are shared (e.g. Redis). */
export interface CompareConfig {
  id: string
  label: string
  commands: string[]
  sessionSharing?: boolean
}

export interface CompareRunFrame {
  id: string
  rs: {
    label: string
    /** An address number (V6_ADDR_BASE). */
    addr: number
    activeConns: number
    inactConns: number
    persistConns: number
    conns: number
    weight: number
  }[]
  /** Template rows that changed (TEMPLATE_FIELDS each). */
  templates: Float64Array
  refreshes: Float64Array
  metrics: MetricsView
  /**
   * The figures at each whole simulated second the run passed since the last frame (rows of
   * COMPARE_SAMPLE_FIELDS: t ms, then COMPARE_SAMPLE_SERIES), so the charts are the same whatever
   * the speed or the frame rate.
   */
  samples: Float64Array
}

/** What a compare sample holds after its time, in order. */
export const COMPARE_SAMPLE_SERIES = ['imbalance', 'brokenSessions', 'templatesLive', 'templateKiB'] as const
export const COMPARE_SAMPLE_FIELDS = 1 + COMPARE_SAMPLE_SERIES.length

export interface MetricsView {
  connections: number
  refused: number
  brokenSessions: number
  usersWithBrokenSession: number
  stickiness: number
  imbalance: number
  currentImbalance: number
  templatesLive: number
  templatesPeak: number
  templatesKeptPastTimeout: number
  templateBytes: number
  templatePeakBytes: number
  /** Connections that failed because their real server was down (a fault): present with keepalived or faults. */
  failedConnections?: number
  /** The same by real server, by its address as ipvsadm prints it (`192.168.8.101`). */
  failedByRs?: Record<string, number>
}

/** A real server's fault in force now (the scenario's `faults`, or `lab-fault`). */
export interface FaultView {
  /** The real server's address number. */
  addr: number
  kind: 'crash' | 'hang' | 'slow' | 'http-status'
  status: number
  delayMs: number
}

/** keepalived's log as `journalctl -u keepalived` prints it: its newest KEEPALIVED_LOG_SHOWN lines. */
export interface KeepalivedLogView {
  /** Each line's simulated time and its text, verbatim. */
  lines: { ms: number; text: string }[]
  /** Lines the daemon logged in all (the older ones are not sent). */
  total: number
}

/** A frame's keepalived log holds at most this many lines (the newest). */
export const KEEPALIVED_LOG_SHOWN = 500

export type Frame = {
  type: 'frame'
  v: typeof PROTOCOL_VERSION
  /** Increases on every load, reset and seek: the UI drops what it kept from an older epoch. */
  epoch: number
  /** The id of the last seek request handled (0: none): the page knows its seek is done. */
  seekId: number
  /**
   * This frame came from the run's history: the engine catches up before the next request that
   * needs it (or a listing), which may take a few seconds of a big run — no hang.
   */
  engineBehind: boolean
  nowMs: number
  endMs: number
  playing: boolean
  speed: number
  /** Sent when the configuration changed (and on a new epoch). */
  services: ServiceView[] | null
  /**
   * Every frame, per destination in `services` order (services, then their destinations):
   * ActiveConn, InActConn, templates (persistConns), connections so far, weight. A service with
   * hidden destinations has one more such row after its own: their sums.
   */
  rsCounters: Float64Array
  attempts: Float64Array
  /** Attempts left out of this frame because there were too many to draw. */
  attemptsSkipped: number
  /** Sequence number of the first attempt in `attempts` (for "Why?"). */
  attemptsFirstSeq: number
  templates: Float64Array
  /** Pairs (template id, refresh time ms). */
  refreshes: Float64Array
  /** Textbook switch: pairs (template id, when the textbook rule would have dropped it, ms). */
  textbookMarks: Float64Array
  /** Textbook switch: connections that went to another server under the textbook rule (−1: off). */
  textbookDivergent: number
  metrics: MetricsView
  /**
   * The figures at each whole simulated second passed since the last frame (rows of
   * LAB_SAMPLE_FIELDS: t ms, then LAB_SAMPLE_SERIES).
   */
  samples: Float64Array
  listing: { cmd: string; text: string; lines: number } | null
  /** keepalived's log when it changed since the last frame (a new epoch: whole again), else null. */
  keepalivedLog: KeepalivedLogView | null
  /** The real servers' faults in force at `nowMs` (every frame; empty: none). */
  faults: FaultView[]
  /** The IPv6 addresses this frame's numbers name that the page may not have yet (null: none). */
  addrs: AddrBookDelta | null
  /**
   * The commands run mid-run in this epoch so far (all at or before `nowMs`, oldest first, the
   * newest MID_RUN_SHOWN): sent whole when the list changed (a command ran, a rewind dropped
   * some), null when it did not.
   */
  midRun: MidRunCommand[] | null
  /**
   * With a backup director (docs/two-directors.md): both directors — VRRP, the VIP, sync daemons,
   * entries — and each failover; null with one director, or while the engine is behind a seek.
   */
  pair: PairState | null
}

/** A frame's `midRun` holds at most this many commands (the newest). */
export const MID_RUN_SHOWN = 1000

/** What a lab sample holds after its time, in order. */
export const LAB_SAMPLE_SERIES = [
  'imbalance',
  'currentImbalance',
  'templatesLive',
  'connections',
  'brokenSessions',
] as const
export const LAB_SAMPLE_FIELDS = 1 + LAB_SAMPLE_SERIES.length

export type Reply =
  | Frame
  | {
      type: 'loaded'
      name: string
      description: string
      /** The description in other languages, by locale. */
      descriptions: Record<string, string>
      /**
       * The initial commands and what they printed: the last ones when there are many (`by`:
       * keepalived, for the ipvsadm lines keepalived ran when a command started it)…
       */
      commands: { cmd: string; stdout: string; stderr: string; exit: number; by?: DaemonSource }[]
      /** …and how many earlier ones are not sent. */
      omittedCommands: number
      endMs: number
      seed: number
    }
  | {
      type: 'ran'
      id: number
      line: string
      atMs: number
      stdout: string
      stderr: string
      exit: number
      /** It ran in the lab's run: the frames' `midRun` lists it from now on (false: no scenario loaded). */
      listed: boolean
    }
  | { type: 'applied'; id: number; ok: boolean; error: string | null; line: number | null }
  | { type: 'why'; id: number; title: string; steps: WhyStep[] }
  /** The running configuration as command lines, and the real servers' side as shell comments. */
  | { type: 'script'; text: string; realServers: string }
  | { type: 'template-line'; templateId: number; line: string | null }
  /** The scenario as it stands, as JSON text (stringified here, off the page's thread). */
  | {
      type: 'scenario'
      id: number
      scenario: string | null
      version: string
      atMs: number
      /** Asked with `journal`: the typed commands since the scenario was loaded. */
      journal?: JournalLine[]
    }
  | { type: 'compare-started'; endMs: number; configs: { id: string; label: string }[] }
  | { type: 'keepalived-conf'; id: number; text: string }
  | { type: 'import-text'; id: number; answer: ImportAnswer }
  | { type: 'probe'; id: number; answer: ProbeAnswer }
  | { type: 'packets'; id: number; answer: PacketsAnswer }
  | { type: 'fidelity'; id: number; result: FidelityResult }
  | {
      type: 'compare-frame'
      v: typeof PROTOCOL_VERSION
      epoch: number
      /** As a lab frame's `seekId`. */
      seekId: number
      nowMs: number
      endMs: number
      playing: boolean
      speed: number
      runs: CompareRunFrame[]
      /** As a lab frame's `addrs`. */
      addrs: AddrBookDelta | null
    }
  | { type: 'busy'; what: 'seeking' | 'loading'; done: number }
  /**
   * The answer to a frame request while no scenario is loaded, or while the lab is paused and
   * nothing a frame shows changed since the last one (a paused lab does no work).
   */
  | { type: 'idle' }
  | { type: 'error'; message: string; fatal: boolean }

export function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`)
}
