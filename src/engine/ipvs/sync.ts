import type { Port } from '../net/ipv4'
import type { Addr } from '../net/ipv6'
import type { SimMs } from '../sim/time'
import { JIFFY_MS } from '../sim/timerWheel'
import type { Connection } from './connection'
import type { ForwardMethod } from './destination'
import { TcpState } from './proto/tcp'
import { Protocol } from './service'
import type { Sysctls } from './sysctl'

/**
 * The IPVS connection synchronisation, protocol version 1 (net/netfilter/ipvs/ip_vs_sync.c,
 * Linux 6.1.192): what a master director's sync daemon sends, when, and what a backup does with it.
 * Hand-written because the thresholds, the buffer and the thread's timing decide *which* entries a
 * backup holds at the moment of a failover: that must be the kernel's, bit for bit.
 */

/** struct ip_vs_sync_mesg: reserved, syncid, size, nr_conns, version, spare. */
export const SYNC_MESG_HEADER = 8
/** struct ip_vs_sync_v4 / ip_vs_sync_v6. */
export const SYNC_CONN_V4 = 36
export const SYNC_CONN_V6 = 72
/** IPVS_SYNC_CHECK_PERIOD (HZ), IPVS_SYNC_FLUSH_TIME (2 HZ), IPVS_SYNC_SEND_DELAY (HZ/50), IPVS_SYNC_WAKEUP_RATE (include/net/ip_vs.h). */
export const SYNC_CHECK_PERIOD_MS = 1000
export const SYNC_FLUSH_TIME_MS = 2000
export const SYNC_SEND_DELAY_MS = 20
export const SYNC_WAKEUP_RATE = 8

/** One connection or template as a sync message carries it (union ip_vs_sync_conn). */
export interface SyncConnRecord {
  protocol: number
  caddr: Addr
  cport: Port
  vaddr: Addr
  vport: Port
  daddr: Addr
  dport: Port
  fwmark: number
  /** IP_VS_CONN_F_TEMPLATE, IP_VS_CONN_F_INACTIVE and the forwarding method among the flags. */
  isTemplate: boolean
  inactive: boolean
  forward: ForwardMethod
  state: number
  /** cp->timeout / HZ: the entry's whole timeout, in seconds (not what is left of it). */
  timeoutS: number
  /** IPVS_OPT_PE_DATA: a SIP template's Call-ID. */
  peData: string | null
}

/** A sync message (struct ip_vs_sync_mesg + its records). */
export interface SyncMessage {
  syncid: number
  /** Bytes on the wire (the UDP payload): the header, each record, the padding between them. */
  size: number
  conns: SyncConnRecord[]
}

/** What a record of `cp` takes in a message (ip_vs_sync_conn(): the struct, plus PE data and name). */
function recordLength(cp: Connection): number {
  let len = typeof cp.caddr === 'string' ? SYNC_CONN_V6 : SYNC_CONN_V4
  // IPVS_OPT_PE_DATA and IPVS_OPT_PE_NAME ("sip"), each with a two-byte parameter header
  if (cp.peData !== null) len += cp.peData.length + 2 + 3 + 2
  return len
}

const jiffiesOf = (ms: number): number => Math.floor(ms / JIFFY_MS)
const SYNC_STATES =
  (1 << TcpState.ESTABLISHED) |
  (1 << TcpState.FIN_WAIT) |
  (1 << TcpState.CLOSE) |
  (1 << TcpState.CLOSE_WAIT) |
  (1 << TcpState.TIME_WAIT)

/**
 * ip_vs_sync_conn_needed(): should this packet (the entry's `pkts`-th) send the entry to the
 * backup? A TCP connection only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT or TIME_WAIT: at once
 * when it enters a state other than ESTABLISHED, else when `pkts % sync_period == sync_threshold`
 * (defaults: the 3rd packet, the 53rd, …); a template whenever it is asked (each packet of a
 * connection it controls). With `sync_refresh_period` the period rule gives way to "when the
 * expiry moved by more than the refresh period" (with `sync_retries` repeats).
 */
export function syncConnNeeded(sysctl: Sysctls, cp: Connection, pkts: number, now: SimMs): boolean {
  const orig = cp.syncEndtime
  const nowJ = jiffiesOf(now)
  const timeoutJ = jiffiesOf(cp.timeoutMs)
  let n = (nowJ + timeoutJ) & ~3
  // `force` (a new state) skips the rest unless the new state is ESTABLISHED; the kernel's final
  // `n == orig || force` is always true here (one CPU: the cmpxchg never loses a race)
  let set = false
  if (cp.isTemplate) set = false
  // in_persistence(): controlled by a template
  else if (sysctl.sync_persist_mode && cp.control?.isTemplate) return false
  else if (cp.protocol === Protocol.TCP) {
    if (!((1 << cp.state) & SYNC_STATES)) return false
    const force = cp.state !== cp.oldState
    if (force && cp.state !== TcpState.ESTABLISHED) set = true
  }
  if (!set) {
    // stored in seconds (proc_dointvec_jiffies); the kernel keeps jiffies
    const refresh = sysctl.sync_refresh_period * (1000 / JIFFY_MS)
    if (refresh > 0) {
      const diff = n - orig
      const minDiff = Math.max(timeoutJ >> 1, 10 * (1000 / JIFFY_MS))
      if (Math.abs(diff) < Math.min(refresh, minDiff)) {
        const retries = orig & 3
        if (retries >= sysctl.sync_retries) return false
        if (nowJ < orig - timeoutJ + (refresh >> 3)) return false
        n |= retries + 1
      }
    }
    const [threshold, period] = sysctl.sync_threshold
    if (period > 0) {
      if (!cp.isTemplate && pkts % period !== threshold) return false
    } else if (!refresh && pkts !== threshold) return false
  }
  cp.oldState = cp.state
  // cmpxchg(&cp->sync_endtime, orig, n): one CPU here, it always succeeds
  cp.syncEndtime = n
  return true
}

/** ipvs->ms[0]: the master thread's current buffer and its queue of full ones. */
export class SyncMaster {
  private current: { firstuse: SimMs; size: number; conns: SyncConnRecord[] } | null = null
  private readonly queue: SyncMessage[] = []
  /** When the thread next looks at its buffers (it sleeps IPVS_SYNC_CHECK_PERIOD between looks). */
  private wakeAt: SimMs
  /** Messages sent so far (the backup may have had none of them: it must be listening). */
  sent = 0

  readonly syncid: number
  readonly maxlen: number

  constructor(syncid: number, maxlen: number, startedAt: SimMs) {
    this.syncid = syncid
    this.maxlen = maxlen
    this.wakeAt = (startedAt + SYNC_CHECK_PERIOD_MS) as SimMs
  }

  /**
   * ip_vs_sync_conn(): the entry (unless it is a one-packet one), if it is needed, then its
   * template — whose own packet count goes up by one each time it is asked.
   */
  syncConn(sysctl: Sysctls, cp: Connection, pkts: number, now: SimMs): void {
    let c: Connection | null = cp
    let p = pkts
    if (c.onePacket) {
      c = c.control
      if (!c) return
      p = c.isTemplate ? ++c.inPkts : sysctl.sync_threshold[0]
    }
    while (c) {
      if (syncConnNeeded(sysctl, c, p, now)) this.add(c, now)
      c = c.control
      if (!c) return
      p = c.isTemplate ? ++c.inPkts : sysctl.sync_threshold[0]
    }
  }

  private add(cp: Connection, now: SimMs): void {
    const len = recordLength(cp)
    let cur = this.current
    let pad = cur ? (4 - cur.size) & 3 : 0
    if (cur && cur.size + len + pad > Math.max(len + SYNC_MESG_HEADER, this.maxlen)) {
      this.queueTail(cur, now)
      cur = null
      pad = 0
    }
    if (!cur) {
      cur = { firstuse: now, size: SYNC_MESG_HEADER, conns: [] }
      this.current = cur
    }
    cur.size += pad + len
    cur.conns.push({
      protocol: cp.protocol,
      caddr: cp.caddr,
      cport: cp.cport,
      vaddr: cp.vaddr,
      vport: cp.vport,
      daddr: cp.daddr,
      dport: cp.dport,
      fwmark: cp.fwmark,
      isTemplate: cp.isTemplate,
      inactive: cp.inactive,
      forward: cp.forward,
      state: cp.state,
      timeoutS: Math.floor(cp.timeoutMs / 1000),
      peData: cp.peData,
    })
  }

  /** sb_queue_tail(): a full buffer waits for the thread, woken IPVS_SYNC_SEND_DELAY later (or at once with 8 queued). */
  private queueTail(cur: { size: number; conns: SyncConnRecord[] }, now: SimMs): void {
    this.current = null
    this.queue.push({ syncid: this.syncid, size: cur.size, conns: cur.conns })
    if (this.queue.length === 1) this.wakeAt = Math.min(this.wakeAt, now + SYNC_SEND_DELAY_MS) as SimMs
    if (this.queue.length === SYNC_WAKEUP_RATE) this.wakeAt = now
  }

  /** When the thread next wakes (it may then have nothing to send). */
  nextWake(): SimMs {
    return this.wakeAt
  }

  /**
   * sync_thread_master() woken at `now`: every queued buffer, then the current one if it is at
   * least IPVS_SYNC_FLUSH_TIME old; then it sleeps IPVS_SYNC_CHECK_PERIOD.
   */
  wake(now: SimMs): SyncMessage[] {
    const out = this.queue.splice(0)
    const cur = this.current
    if (cur && now - cur.firstuse >= SYNC_FLUSH_TIME_MS) {
      this.current = null
      out.push({ syncid: this.syncid, size: cur.size, conns: cur.conns })
    }
    this.sent += out.length
    this.wakeAt = (now + SYNC_CHECK_PERIOD_MS) as SimMs
    return out
  }

  /** Records waiting to be sent (the current buffer and the queue). */
  get pending(): number {
    return (this.current?.conns.length ?? 0) + this.queue.reduce((n, m) => n + m.conns.length, 0)
  }
}
