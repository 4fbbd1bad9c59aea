/**
 * The attempt log: every client attempt the player reports, with how the director decided it
 * (scheduled, template hit or new, refused, dropped, local). The newest MAX_ATTEMPTS_PER_FRAME of
 * a frame travel as protocol rows; the latest `memory` are remembered to answer "Why?" about one.
 */
import {
  type Addr,
  type ClientAttempt,
  type DirectorEvent,
  type DirectorReadApi,
  type EntryReadView,
  formatAddr,
  formatAddrPort,
} from '../engine/index'
import { addrBook } from './addrBook'
import { ATTEMPT_FIELDS, AttemptHow, encodeAttempt, type WhyStep } from './protocol'
import { RecentRows } from './recentRows'
import { netmaskText, serviceLabel } from './views'

/** At most this many attempts travel in one frame (the rest are counted, not drawn). */
export const MAX_ATTEMPTS_PER_FRAME = 400

/** What "Why?" remembers of one attempt. */
interface AttemptMemo {
  seq: number
  at: number
  proto: 'tcp' | 'udp'
  client: Addr
  clientPort: number
  vip: Addr
  vport: number
  rsAddr: Addr | null
  how: number
  templateId: number
  templateClient: Addr | null
  templateTimeoutMs: number
  service: string
  scheduler: string
  persistSec: number
  netmask: string
  mark: number
  status: string
  /** A template hit on a real server of weight 0: who set it to 0 (a daemon's name: keepalived), or '' (unknown). */
  quiescentBy: string | null
}

/** What the director decided for the connection the next attempt reports (read when it is reported). */
interface Decision {
  how: number
  conn: EntryReadView
  template: EntryReadView | null
  /** The weight of the real server the connection was bound to, then. */
  rsWeight: number
}

/** Who set real server `rs` to weight 0 (the daemon's name: keepalived, kube-proxy), or null when no daemon did. */
export type WeightZeroBy = (rs: Addr) => string | null

export class AttemptLog {
  private seq = 0
  /** The newest MAX_ATTEMPTS_PER_FRAME attempts as protocol rows (those since the last frame travel). */
  private readonly rows = new RecentRows(ATTEMPT_FIELDS, MAX_ATTEMPTS_PER_FRAME)
  /** The latest `memory` attempts, at seq % memory. */
  private readonly memos: (AttemptMemo | undefined)[]
  private pending: Decision | null = null
  private refusedPending = false

  private readonly memory: number

  constructor(memory: number) {
    this.memory = memory
    this.memos = new Array<AttemptMemo | undefined>(memory)
  }

  clear(): void {
    this.seq = 0
    this.rows.clear()
    this.memos.fill(undefined)
  }

  /** Attempts noted since the run began. */
  get noted(): number {
    return this.seq
  }

  /** After a rewind: the next frame carries the newest attempts since the run began. */
  resend(): void {
    this.rows.resend()
  }

  /** The director's decision for the connection about to be reported (or its refusal). */
  onDirectorEvent(e: DirectorEvent, api: DirectorReadApi): void {
    if (e.type === 'refused') this.refusedPending = true
    if (e.type !== 'connection-created') return
    const d = e.decision
    const how =
      d.templateOutcome === 'hit'
        ? AttemptHow.TEMPLATE_HIT
        : d.templateOutcome === null
          ? AttemptHow.SCHEDULED
          : AttemptHow.TEMPLATE_NEW
    const conn = api.entry(e.conn)
    const dest = conn.service?.destinations.find((x) => x.addr === conn.rsAddr && x.port === conn.rsPort)
    this.pending = { how, conn, template: d.template ? api.entry(d.template) : null, rsWeight: dest?.weight ?? -1 }
  }

  /**
   * One attempt the player reports: logged for the frame and for "Why?"; `shownId` names its
   * template as the template log shows it (the lab: the id of the run's first pass).
   */
  onAttempt(
    a: ClientAttempt,
    shownId: (engineId: number) => number = (id) => id,
    weightZeroBy: WeightZeroBy = () => null,
  ): void {
    const dec = this.pending
    this.pending = null
    const refused = this.refusedPending
    this.refusedPending = false
    let how: number = AttemptHow.SCHEDULED
    if (a.rsAddr !== null && dec) how = dec.how
    else if (refused) how = AttemptHow.REFUSED
    // a UDP datagram dropped, or a TCP client whose SYNs the director dropped until it gave up
    else if (a.status === 'dropped' || a.status === 'connect-failed: ETIMEDOUT') how = AttemptHow.DROPPED
    else if (a.rsAddr === null) how = AttemptHow.LOCAL
    const seq = ++this.seq
    const tpl = dec?.template ?? null
    const svc = dec?.conn.service ?? null
    const templateId = tpl ? shownId(tpl.id) : 0
    // keep the newest: the ring overwrites the oldest
    const { buf, offset } = this.rows.next()
    encodeAttempt(buf, offset, {
      at: a.at,
      // the frame's numeric lanes: address numbers (an IPv4 address itself, an IPv6 one's index in the book)
      client: addrBook.encode(a.client),
      clientPort: a.clientPort,
      vip: addrBook.encode(a.vip),
      vport: a.vport,
      rsAddr: a.rsAddr === null ? -1 : addrBook.encode(a.rsAddr),
      how,
      templateId,
    })
    this.memos[seq % this.memory] = {
      seq,
      at: a.at,
      proto: a.proto,
      client: a.client,
      clientPort: a.clientPort,
      vip: a.vip,
      vport: a.vport,
      rsAddr: a.rsAddr,
      how,
      templateId,
      templateClient: tpl ? tpl.client : null,
      templateTimeoutMs: tpl ? tpl.timeoutMs : 0,
      service: svc ? serviceLabel(svc) : `${a.proto.toUpperCase()} ${formatAddr(a.vip)}:${a.vport}`,
      scheduler: svc?.scheduler ?? '',
      persistSec: svc?.persistent ? Math.round(svc.persistTimeoutMs / 1000) : 0,
      // ipvsadm's -M: a dotted mask, or /64 for an IPv6 prefix length
      netmask: svc ? (svc.af === 10 ? `/${svc.netmask}` : netmaskText(svc)) : '',
      mark: dec?.conn.fwmark ?? 0,
      status: a.status,
      // a template sent it to a quiescent real server (the kernel keeps templates for weight 0 while
      // expire_quiescent_template=0; with 1 it would have expired this one and scheduled anew)
      quiescentBy:
        how === AttemptHow.TEMPLATE_HIT && dec?.rsWeight === 0 && a.rsAddr !== null
          ? (weightZeroBy(a.rsAddr) ?? '')
          : null,
    }
  }

  /** The protocol row of the last attempt noted (a view into the log: copy it to keep it). */
  lastRow(): Float64Array {
    return this.rows.last()
  }

  /** This frame's attempts (the newest, oldest first), how many were left out, the first one's seq. */
  take(): { attempts: Float64Array; skipped: number; firstSeq: number } {
    const { rows, skipped } = this.rows.take()
    const kept = rows.length / ATTEMPT_FIELDS
    return { attempts: rows, skipped, firstSeq: this.seq - kept + 1 }
  }

  /** "Why?" of attempt `seq`: how it arrived and what decided its real server (null: forgotten). */
  why(seq: number): WhyStep[] | null {
    const m = this.memos[seq % this.memory]
    if (!m || m.seq !== seq) return null
    const steps: WhyStep[] = []
    const s = (key: string, values: Record<string, string | number> = {}) => steps.push({ key, values })
    const client = formatAddrPort(m.client, m.clientPort)
    const vip = formatAddrPort(m.vip, m.vport)
    s('why.attempt.arrives', { client, vip, proto: m.proto.toUpperCase(), at: (m.at / 1000).toFixed(3) })
    if (m.mark) s('why.attempt.marked', { mark: m.mark })
    if (m.how === AttemptHow.REFUSED) s('why.attempt.refused', { service: m.service })
    else if (m.how === AttemptHow.DROPPED) s('why.attempt.dropped', {})
    else if (m.how === AttemptHow.LOCAL) s('why.attempt.local', {})
    else {
      s('why.attempt.service', { service: m.service, scheduler: m.scheduler })
      const rs = formatAddr(m.rsAddr ?? (0 as Addr))
      if (m.how === AttemptHow.TEMPLATE_HIT)
        s('why.attempt.hit', {
          template: formatAddr(m.templateClient ?? (0 as Addr)),
          rs,
          timeout: Math.round(m.templateTimeoutMs / 1000),
        })
      else if (m.how === AttemptHow.TEMPLATE_NEW)
        s('why.attempt.new', {
          template: formatAddr(m.templateClient ?? (0 as Addr)),
          rs,
          scheduler: m.scheduler,
          timeout: m.persistSec,
          netmask: m.netmask,
        })
      else s('why.attempt.scheduled', { rs, scheduler: m.scheduler })
      if (m.quiescentBy !== null)
        s(m.quiescentBy ? 'why.attempt.quiescentBy' : 'why.attempt.quiescent', { rs, by: m.quiescentBy })
      s(m.how === AttemptHow.TEMPLATE_HIT ? 'why.attempt.sentHit' : 'why.attempt.sent', { rs })
      // the real server's own answer: a crashed one's kernel resets the connection
      if (m.status === 'connect-failed: ECONNREFUSED') s('why.attempt.crashed', { rs })
    }
    return steps
  }
}
