import { asIPv4, asPort } from '../net/ipv4'
import { Connection, TemplateState } from './connection'
import { IpvsControl } from './ctl'
import { type Destination, ForwardMethod } from './destination'
import { sipFillParam } from './pe/sip'
import { Direction, isActiveTcpState, nextTcpState, TcpState } from './proto/tcp'
import { UDP_STATE_NORMAL } from './proto/udp'
import { FTPDATA, FTPPORT, Protocol, type Service } from './service'
import { type SyncConnRecord, SyncMaster, type SyncMessage } from './sync'
import { checkTemplate, templateKeyFor } from './template'
import type { Packet, ScheduleDecision, SyncDaemon, Verdict } from './types'

export { TEMPLATE_REARM_MS } from './conn'
export { serviceIdOf } from './ctl'
export type {
  DirectorEvent,
  Errno,
  Packet,
  ScheduleDecision,
  ServiceId,
  SyncDaemon,
  TimeoutTables,
  Verdict,
} from './types'

/**
 * One IPVS instance (struct netns_ipvs) behind one facade: the packet path, as ip_vs_core.c
 * does it (ip_vs_in_hook(), ip_vs_out_hook() for NAT replies, ip_vs_schedule(),
 * ip_vs_sched_persist(), ip_vs_in_stats()/ip_vs_out_stats(), ip_vs_set_state()), on top of the
 * control operations (ctl.ts, ip_vs_ctl.c) and the connection entries and timers (conn.ts,
 * ip_vs_conn.c). Shared structs: types.ts (include/net/ip_vs.h).
 */
export class Director extends IpvsControl {
  /** The verdict of the last forwarded packet: one object, refilled for every packet (a packet allocates nothing). */
  /** Set by schedPersist() when the persistence engine refused the packet (*ignored = -1). */
  private peDropped = false
  private readonly forwarded: Extract<Verdict, { kind: 'forwarded' }> = {
    kind: 'forwarded',
    conn: null as unknown as Connection,
    created: false,
    decision: null,
  }

  /**
   * sysctl_backup_only(): backup_only=1 while a backup sync daemon runs — both hooks then let
   * every packet through to the director's own stack (ip_vs_in_hook(), ip_vs_out_hook()).
   */
  private get backupOnly(): boolean {
    return this.sysctl.backup_only !== 0 && this.syncDaemons.backup !== null
  }

  /** A packet from a client (ip_vs_in_hook()). A 'forwarded' verdict is valid until the next packet. */
  receive(pkt: Packet): Verdict {
    if (!this.enabled) return { kind: 'local', reason: 'ipvs-disabled' }
    if (this.backupOnly) return { kind: 'local', reason: 'backup-only' }
    this.wakeEstimator()
    let cp = this.table.findConnection(pkt.protocol, pkt.saddr, pkt.sport, pkt.daddr, pkt.dport)

    // A SYN that matches an old entry: reschedule it if the entry may be reused.
    if (cp && pkt.protocol === Protocol.TCP && pkt.tcp?.syn) {
      let resched = false
      if (this.sysctl.expire_nodest_conn && cp.dest && cp.dest.weight === 0) resched = true
      else if (this.sysctl.conn_reuse_mode && this.isNewConnExpected(cp, this.sysctl.conn_reuse_mode)) resched = true
      if (resched) {
        if (cp.nControl === 0) this.expireNow(cp)
        cp = null
      }
    }

    // Check the server status.
    if (cp?.dest && !cp.dest.available) {
      if (this.sysctl.expire_nodest_conn) {
        this.expireNow(cp)
        cp = null
      } else {
        if (this.listener) this.emit({ type: 'dropped', conn: cp, packet: pkt })
        return { kind: 'dropped', conn: cp, reason: 'dest-unavailable' }
      }
    }

    let created = false
    let decision: ScheduleDecision | null = null
    if (!cp) {
      const r = this.connSchedule(pkt)
      if (!(r instanceof Connection)) return r
      cp = r
      decision = this.lastDecision
      created = true
    }

    this.inStats(cp, pkt)
    this.setState(cp, Direction.INPUT, pkt)
    // its packet count, and (a master daemon running) whether the backup should hear of it
    const pkts = cp.onePacket ? this.sysctl.sync_threshold[0] : ++cp.inPkts
    if (this.syncMaster) this.syncMaster.syncConn(this.sysctl, cp, pkts, this.now)
    else if (cp.onePacket && cp.control) cp.control.inPkts++
    const verdict = this.forwarded
    verdict.conn = cp
    verdict.created = created
    verdict.decision = decision
    this.connPut(cp)
    return verdict
  }

  /** A reply from a real server through the director (NAT only): handle_response(). */
  receiveReply(cp: Connection, pkt: Packet): boolean {
    if (!cp.hashed || cp.forward !== ForwardMethod.MASQ || this.backupOnly) return false
    this.wakeEstimator()
    if (cp.dest?.available) {
      cp.dest.stats.outpkts++
      cp.dest.stats.outbytes += pkt.len
      const svc = cp.dest.svc
      if (svc) {
        svc.stats.outpkts++
        svc.stats.outbytes += pkt.len
      }
      this.totStats.outpkts++
      this.totStats.outbytes += pkt.len
    }
    this.setState(cp, Direction.OUTPUT, pkt)
    this.connPut(cp)
    return true
  }

  /** start_sync_thread(): a master daemon's thread starts with an empty buffer and wakes every second. */
  startSync(state: 'master' | 'backup', d: SyncDaemon): void {
    this.syncDaemons[state] = d
    if (state === 'master') this.syncMaster = new SyncMaster(d.syncid, d.syncMaxlen, this.now)
  }

  /** stop_sync_thread(): what the master had not sent yet is freed, never sent. */
  stopSync(state: 'master' | 'backup'): void {
    this.syncDaemons[state] = null
    if (state === 'master') this.syncMaster = null
  }

  /**
   * A sync message reached this director's backup daemon (ip_vs_process_message(), protocol
   * version 1): ignored without a backup daemon or under another non-zero syncid; else each record
   * goes to ip_vs_proc_conn(). Returns how many records were applied.
   */
  receiveSync(m: SyncMessage): number {
    const b = this.syncDaemons.backup
    if (!b || (b.syncid !== 0 && m.syncid !== b.syncid)) return 0
    for (const r of m.conns) this.procSyncConn(r)
    return m.conns.length
  }

  // mirrors ip_vs_proc_conn() (ip_vs_sync.c)
  private procSyncConn(r: SyncConnRecord): void {
    let cp: Connection | null
    let created = false
    if (!r.isTemplate) {
      cp = this.table.findConnection(r.protocol, r.caddr, r.cport, r.vaddr, r.vport)
      if (cp && (cp.dport !== r.dport || cp.daddr !== r.daddr)) {
        // the entry now goes elsewhere: an active one replaces it; an inactive one is the old
        // connection's expiry message, already replaced: ignored
        if (r.inactive) return
        this.expireNow(cp)
        cp = null
      }
    } else cp = this.table.findTemplate(r.protocol, r.caddr, r.vaddr, r.vport, r.peData)

    if (cp) {
      // the activity flag follows the master's (IP_VS_CONN_F_BACKUP_UPD_MASK), with the counters
      const dest = cp.dest
      if (!r.isTemplate && dest && cp.inactive !== r.inactive) {
        if (r.inactive) {
          dest.activeConns--
          dest.inactConns++
        } else {
          dest.activeConns++
          dest.inactConns--
        }
      }
      if (!r.isTemplate) cp.inactive = r.inactive
      if (!dest) this.tryBindSyncDest(cp, r)
    } else {
      // ip_vs_find_dest(): the backup's own configuration names the destination, or none
      const svc = this.findServiceFor(r.fwmark, r.protocol, r.vaddr, r.vport)
      const dest = svc ? this.syncDest(svc, r) : null
      cp = this.connNewSynced(r, dest)
      created = true
    }
    cp.inPkts = this.sysctl.sync_threshold[0]
    cp.state = r.state
    cp.oldState = r.state
    cp.timeoutMs = r.timeoutS ? r.timeoutS * 1000 : r.isTemplate ? 180_000 : this.timeoutFor(r)
    this.connPut(cp)
    // told once the timer is set (ip_vs_conn_put()): a listener reads the deadline the message gave
    if (r.isTemplate && this.listener)
      this.emit({ type: created ? 'template-created' : 'template-synced', template: cp })
  }

  /** ip_vs_find_dest()'s port rule: a fwmark service not under NAT looks the real server up without a port, then with. */
  private syncDest(svc: Service, r: SyncConnRecord): Destination | null {
    const port = r.fwmark && r.forward !== ForwardMethod.MASQ ? 0 : r.dport
    return this.findDest(svc, r.daddr, asPort(port)) ?? this.findDest(svc, r.daddr, asPort(port ^ r.dport))
  }

  /** ip_vs_try_bind_dest(): an unbound synced entry binds when its destination has appeared since. */
  private tryBindSyncDest(cp: Connection, r: SyncConnRecord): void {
    const svc = this.findServiceFor(r.fwmark, r.protocol, r.vaddr, r.vport)
    const dest = svc ? this.syncDest(svc, r) : null
    if (dest) this.bindDest(cp, dest, true)
  }

  /** The state's timeout (pd->timeout_table) when a version-0 message carried none. */
  private timeoutFor(r: SyncConnRecord): number {
    return r.protocol === Protocol.TCP ? (this.timeouts.tcp[r.state] ?? 180_000) : this.timeouts.udp
  }

  // mirrors ip_vs_conn_new() with IP_VS_CONN_F_SYNC: hashed, bound when the destination is known
  private connNewSynced(r: SyncConnRecord, dest: Destination | null): Connection {
    const c = new Connection(
      r.protocol,
      r.caddr,
      r.cport,
      r.vaddr,
      r.vport,
      r.daddr,
      r.dport,
      r.isTemplate,
      r.fwmark,
      this.now,
    )
    c.synced = true
    c.peData = r.peData
    c.forward = r.forward
    c.noOutput = r.forward !== ForwardMethod.MASQ
    c.inactive = r.isTemplate ? true : r.inactive
    if (dest) this.bindDest(c, dest, true)
    this.table.add(c)
    this.table.hash(c)
    return c
  }

  // mirrors is_new_conn_expected()
  private isNewConnExpected(cp: Connection, mode: number): boolean {
    if (cp.control) return false
    if (cp.protocol !== Protocol.TCP) return false
    return (
      cp.state === TcpState.TIME_WAIT ||
      cp.state === TcpState.CLOSE ||
      ((mode & 2) !== 0 && cp.state === TcpState.FIN_WAIT && cp.noOutput)
    )
  }

  // mirrors tcp_conn_schedule() / udp_conn_schedule() + ip_vs_schedule() + ip_vs_leave()
  private connSchedule(pkt: Packet): Connection | Verdict {
    if (pkt.protocol === Protocol.TCP) {
      const f = pkt.tcp ?? {}
      if (f.rst || !(this.sysctl.sloppy_tcp || f.syn)) return { kind: 'local', reason: 'not-schedulable' }
    }
    const svc = this.findServiceFor(pkt.mark, pkt.protocol, pkt.daddr, pkt.dport)
    if (!svc) return { kind: 'local', reason: 'no-service' }
    if (pkt.sport === FTPDATA) return { kind: 'local', reason: 'not-schedulable' }
    this.lastDecision = null
    this.peDropped = false
    const conn = svc.persistent ? this.schedPersist(svc, pkt) : this.schedPlain(svc, pkt)
    if (this.peDropped) {
      // *ignored = -1 (ip_vs_sched_persist(): the PE's fill_param failed): NF_DROP, no ICMP
      return { kind: 'dropped', conn: null, reason: 'pe-no-callid' }
    }
    if (conn) {
      this.connStats(conn, svc)
      if (this.listener && this.lastDecision)
        this.emit({ type: 'connection-created', conn, decision: this.lastDecision })
      return conn
    }
    // ip_vs_leave(): an FTP service lets other ports of its VIP through; otherwise ICMP unreachable.
    if (svc.vport === FTPPORT && !svc.isFwmark && pkt.dport !== FTPPORT)
      return { kind: 'local', reason: 'ftp-passthrough' }
    if (this.listener) this.emit({ type: 'refused', service: svc, packet: pkt })
    return { kind: 'refused', service: svc }
  }

  private runScheduler(svc: Service, pkt: Packet): Destination | null {
    if (!svc.scheduler) return null
    this.schedCtx.now = this.now
    return svc.scheduler.schedule(svc, svc.schedState, pkt, this.schedCtx)
  }

  // mirrors the non-persistent half of ip_vs_schedule()
  private schedPlain(svc: Service, pkt: Packet): Connection | null {
    if (!svc.isFwmark && pkt.dport !== svc.vport) return null
    const dest = this.runScheduler(svc, pkt)
    if (!dest) return null
    const conn = this.connNew(
      pkt.protocol,
      pkt.saddr,
      pkt.sport,
      pkt.daddr,
      pkt.dport,
      dest.addr,
      dest.port ? dest.port : pkt.dport,
      false,
      svc.onePacket && pkt.protocol === Protocol.UDP,
      dest,
      pkt.mark,
    )
    if (this.listener)
      this.lastDecision = {
        service: svc,
        template: null,
        templateKind: null,
        templateOutcome: null,
        invalidatedTemplate: null,
      }
    return conn
  }

  // mirrors ip_vs_sched_persist()
  private schedPersist(svc: Service, pkt: Packet): Connection | null {
    const key = templateKeyFor(svc, pkt, this.keyScratch)
    // ip_vs_conn_fill_param_persist(): with --pe sip the template also keys on the Call-ID
    let peData: string | null = null
    if (svc.peName === 'sip') {
      peData = sipFillParam(pkt.protocol, pkt.payload)
      if (peData === null) {
        this.peDropped = true
        return null
      }
    }
    let ct = this.table.findTemplate(key.protocol, key.caddr, key.vaddr, key.vport, peData)
    let outcome: ScheduleDecision['templateOutcome'] = 'hit'
    let invalidated: Connection | null = null
    if (ct && !checkTemplate(this.table, ct, this.sysctl.expire_quiescent_template !== 0)) {
      invalidated = ct
      if (this.listener) this.emit({ type: 'template-invalidated', template: ct })
      ct = null
    }
    let dest: Destination
    if (!ct) {
      const chosen = this.runScheduler(svc, pkt)
      if (!chosen) return null
      dest = chosen
      const dport = pkt.dport === svc.vport && svc.vport !== FTPPORT ? dest.port : 0
      ct = this.connNew(
        key.protocol,
        key.caddr,
        asPort(0),
        key.vaddr,
        key.vport,
        dest.addr,
        asPort(dport),
        true,
        false,
        dest,
        pkt.mark,
      )
      ct.timeoutMs = svc.persistTimeoutMs
      ct.peData = peData
      outcome = invalidated ? 'invalidated' : 'new'
      if (this.listener) this.emit({ type: 'template-created', template: ct })
    } else {
      dest = ct.dest as Destination
    }
    let dport = pkt.dport
    if (dport === svc.vport && dest.port) dport = dest.port
    const conn = this.connNew(
      pkt.protocol,
      pkt.saddr,
      pkt.sport,
      pkt.daddr,
      pkt.dport,
      dest.addr,
      asPort(dport),
      false,
      svc.onePacket && pkt.protocol === Protocol.UDP,
      dest,
      pkt.mark,
    )
    this.controlAdd(conn, ct)
    // ip_vs_conn_put(ct): every new connection through the template restarts its timer.
    ct.refreshedAt = this.now
    this.armTimer(ct, ct.timeoutMs)
    if (outcome === 'hit' && this.listener) this.emit({ type: 'template-refreshed', template: ct })
    if (this.listener)
      this.lastDecision = {
        service: svc,
        template: ct,
        templateKind: key.kind,
        templateOutcome: outcome,
        invalidatedTemplate: invalidated,
      }
    return conn
  }

  /** ip_vs_conn_stats(): one more "Conns" for the destination, its service and the total. */
  private connStats(c: Connection, svc: Service): void {
    if (c.dest) c.dest.stats.conns++
    svc.stats.conns++
    this.totStats.conns++
  }

  /** ip_vs_in_stats(): counted only while the destination is available. */
  private inStats(c: Connection, pkt: Packet): void {
    const dest = c.dest
    if (!dest?.available) return
    dest.stats.inpkts++
    dest.stats.inbytes += pkt.len
    if (dest.svc) {
      dest.svc.stats.inpkts++
      dest.svc.stats.inbytes += pkt.len
    }
    this.totStats.inpkts++
    this.totStats.inbytes += pkt.len
  }

  // mirrors ip_vs_set_state() → set_tcp_state() / udp_state_transition()
  private setState(c: Connection, dir: Direction, pkt: Packet): void {
    if (c.protocol === Protocol.TCP) {
      let d: Direction = dir
      if (c.noOutput) {
        if (dir === Direction.OUTPUT) c.noOutput = false
        else d = Direction.INPUT_ONLY
      }
      const from = c.state
      // pd->tcp_state_table: tcp_states_dos while secure_tcp is 2 or 3 — every run of
      // update_defense_level() (at each write of the key, and every second) leaves it so
      const to = nextTcpState(from as TcpState, d, pkt.tcp ?? {}, this.sysctl.secure_tcp >= 2)
      if (to !== from) {
        const dest = c.dest
        if (dest) {
          if (!c.inactive && !isActiveTcpState(to)) {
            dest.activeConns--
            dest.inactConns++
            c.inactive = true
          } else if (c.inactive && isActiveTcpState(to)) {
            dest.activeConns++
            dest.inactConns--
            c.inactive = false
          }
        }
        if (to === TcpState.ESTABLISHED && c.control) c.control.state |= TemplateState.ASSURED
        if (this.listener) this.emit({ type: 'connection-state', conn: c, from, to })
      }
      c.state = to
      c.timeoutMs = this.timeouts.tcp[to]
    } else {
      if (dir === Direction.OUTPUT && c.control) c.control.state |= TemplateState.ASSURED
      c.state = UDP_STATE_NORMAL
      c.timeoutMs = this.timeouts.udp
    }
  }

  // ---------------------------------------------------------------- checks

  /**
   * Recount every incremental counter from the entries and compare (used by tests and debug builds):
   * Active/InAct/PersistConn per destination, n_control per template, a pending timer per entry.
   */
  checkInvariants(): string[] {
    const problems: string[] = []
    const counts = new Map<Destination, { a: number; i: number; p: number; refs: number }>()
    const nControl = new Map<Connection, number>()
    for (const c of this.table.all) {
      if (!c.timerArmed) problems.push(`entry ${c.id} has no pending timer`)
      if (c.dest) {
        const k = counts.get(c.dest) ?? { a: 0, i: 0, p: 0, refs: 0 }
        if (c.isTemplate) k.p++
        else if (c.inactive) k.i++
        else k.a++
        k.refs++
        counts.set(c.dest, k)
      }
      if (c.control) nControl.set(c.control, (nControl.get(c.control) ?? 0) + 1)
      if (c.control && !this.table.all.has(c.control)) problems.push(`entry ${c.id} is controlled by a freed template`)
    }
    for (const c of this.table.all) {
      if ((nControl.get(c) ?? 0) !== c.nControl)
        problems.push(`entry ${c.id}: n_control ${c.nControl} ≠ ${nControl.get(c) ?? 0}`)
    }
    const dests = new Set<Destination>([
      ...this.trash,
      ...this.services.flatMap((s) => s.destinations),
      ...counts.keys(),
    ])
    for (const d of dests) {
      const k = counts.get(d) ?? { a: 0, i: 0, p: 0, refs: 0 }
      if (d.activeConns !== k.a || d.inactConns !== k.i || d.persistConns !== k.p || d.refs !== k.refs)
        problems.push(
          `destination ${d.id}: counters ${d.activeConns}/${d.inactConns}/${d.persistConns}/${d.refs} ≠ entries ${k.a}/${k.i}/${k.p}/${k.refs}`,
        )
    }
    return problems
  }
}

export { asIPv4 }
