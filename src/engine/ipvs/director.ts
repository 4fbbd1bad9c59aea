import { asIPv4, asPort, type IPv4, type Port } from '../net/ipv4'
import { CalendarQueue } from '../sim/calendarQueue'
import type { SimMs } from '../sim/time'
import { wheelLatenessMs } from '../sim/timerWheel'
import { Connection, ConnectionTable, TemplateState } from './connection'
import { Destination, type DestinationSpec, ForwardMethod } from './destination'
import {
  Direction,
  isActiveTcpState,
  nextTcpState,
  TCP_DEFAULT_TIMEOUTS_SEC,
  type TcpFlags,
  TcpState,
} from './proto/tcp'
import { UDP_DEFAULT_TIMEOUT_SEC, UDP_STATE_NORMAL } from './proto/udp'
import { findScheduler, type ScheduleContext } from './schedulers'
import { FTPDATA, FTPPORT, Protocol, Service, type ServiceSpec, serviceKey } from './service'
import { ESTIMATOR_PERIOD_MS, IpvsStats } from './stats'
import { defaultSysctls, type Sysctls } from './sysctl'
import { checkTemplate, type TemplateKey, type TemplateKind, templateKeyFor } from './template'

/** Kernel error numbers the control operations return; ipvsadm turns them into its messages. */
export type Errno = 'EEXIST' | 'ESRCH' | 'ENOENT' | 'ERANGE' | 'EINVAL' | 'EPROTONOSUPPORT'

/** How a command names a service: a firewall mark, or <protocol, VIP, port>. */
export type ServiceId = { fwmark: number } | { protocol: number; vaddr: IPv4; vport: Port }

/** A packet arriving at the director. `fromServer`: a reply from a real server (seen only with NAT). */
export interface Packet {
  protocol: number
  saddr: IPv4
  sport: Port
  daddr: IPv4
  dport: Port
  tcp?: TcpFlags
  /** Bytes on the wire (IP total length), for the InBytes/OutBytes counters. */
  len: number
  /** skb->mark, as set by iptables -t mangle … -j MARK before IPVS sees the packet. */
  mark: number
}

/** Why a new connection went where it went: the decision the "Why?" panel explains. */
export interface ScheduleDecision {
  service: Service
  /** The template that decided, or null for a non-persistent service. */
  template: Connection | null
  templateKind: TemplateKind | null
  /** 'hit': a valid template existed; 'new': the scheduler chose and a template was created;
   *  'invalidated': the template found was invalid and re-hashed with port 65535 first. */
  templateOutcome: 'hit' | 'new' | 'invalidated' | null
  /** The invalidated template, when templateOutcome is 'invalidated'. */
  invalidatedTemplate: Connection | null
}

export type Verdict =
  /** Handled by IPVS and sent to a real server. */
  | { kind: 'forwarded'; conn: Connection; created: boolean; decision: ScheduleDecision | null }
  /**
   * Dropped silently: by IPVS (its connection's destination is gone and expire_nodest_conn=0, …)
   * or, before IPVS saw it, by an iptables rule or policy.
   */
  | { kind: 'dropped'; conn: Connection | null; reason: 'dest-unavailable' | 'netfilter' }
  /** Not for IPVS: delivered to the director's own stack (no service, not a SYN, …). */
  | { kind: 'local'; reason: 'no-service' | 'not-schedulable' | 'ipvs-disabled' | 'ftp-passthrough' }
  /** A service matched but no destination would take it: ICMP port unreachable (ip_vs_leave()). */
  | { kind: 'refused'; service: Service }

/** What the engine tells observers (timeline, metrics, "Why?"). */
export type DirectorEvent =
  | { type: 'connection-created'; conn: Connection; decision: ScheduleDecision }
  | { type: 'connection-state'; conn: Connection; from: number; to: number }
  /** The last moment `conn` describes this connection: its object may be reused for a later one. */
  | { type: 'connection-expired'; conn: Connection }
  | { type: 'template-created'; template: Connection }
  | { type: 'template-refreshed'; template: Connection }
  | { type: 'template-rearmed'; template: Connection }
  | { type: 'template-invalidated'; template: Connection }
  | { type: 'template-expired'; template: Connection }
  | { type: 'refused'; service: Service; packet: Packet }
  | { type: 'dropped'; conn: Connection; packet: Packet }

/** What sits in the timer queue: an entry's own timer, or one of the director's periodic jobs. */
type DirectorTimer = Connection | 'trash' | 'estimator' | 'nodest-flush'

export interface SyncDaemon {
  mcastIfn: string
  syncid: number
}

/** ip_vs_conn_expire(): a template still controlling connections is re-armed with this, and keeps it. */
export const TEMPLATE_REARM_MS = 60_000
/** What teaching texts (and Linux 2.4) say: extended by 2 minutes while the user is still online. */
const TEXTBOOK_EXTEND_MS = 120_000
/** IP_VS_DEST_TRASH_PERIOD: a destination idle this long in the trash is freed; checked every half of it. */
const DEST_TRASH_PERIOD_MS = 120_000
/** At most this many expired connection objects wait for reuse. */
const FREE_CONNECTIONS_KEPT = 1 << 16
/** A new entry's timeout until its first state transition (ip_vs_conn_new()). */
const NEW_CONN_TIMEOUT_MS = 3000

/** The per-state timeout tables of one network namespace (pd->timeout_table), in ms. */
export interface TimeoutTables {
  tcp: number[]
  udp: number
}

/**
 * One IPVS instance (struct netns_ipvs): services, destinations and their trash, the connection
 * table and its timers, the sysctls, and the packet path. Control operations mirror ip_vs_ctl.c,
 * the packet path ip_vs_core.c, timers ip_vs_conn.c.
 */
export class Director {
  now = 0 as SimMs
  readonly sysctl: Sysctls = defaultSysctls()
  readonly timeouts: TimeoutTables = {
    tcp: TCP_DEFAULT_TIMEOUTS_SEC.map((s) => s * 1000),
    udp: UDP_DEFAULT_TIMEOUT_SEC * 1000,
  }
  /** Services in creation order (the kernel's own order is its hash tables'; ipvsadm sorts anyway). */
  readonly services: Service[] = []
  private readonly byKey = new Map<number, Service>()
  private readonly byFwmark = new Map<number, Service>()
  private ftpsvcCounter = 0
  private nullsvcCounter = 0
  /** Set when the first service is added, never cleared: before it IPVS ignores every packet. */
  enabled = false
  /** Deleted destinations kept while entries still use them (ip_vs_dest_trash), oldest first. */
  readonly trash = new Set<Destination>()
  /**
   * The trash by service identity. ip_vs_trash_get_dest() walks the list; an identity is there
   * once at most (re-adding it revives it), so the index gives the same answer.
   */
  private readonly trashByIdentity = new Map<string, Destination>()
  readonly table = new ConnectionTable()
  /**
   * Expired connection objects kept for reuse, like the kernel's slab cache of ip_vs_conn
   * (ip_vs_conn_cachep): long-lived entries cost the garbage collector most. Templates are never
   * reused — the app keeps them to draw their whole life. An entry object is valid until its
   * 'connection-expired' event; whoever needs it longer copies what it needs.
   */
  private readonly freeConnections: Connection[] = []
  readonly totStats = new IpvsStats()
  private readonly timers = new CalendarQueue<DirectorTimer>()
  private trashTimerArmed = false
  /**
   * The tick at which the estimator found every rate at 0 and stopped (null: it ticks). Idle ticks
   * change nothing, so none is queued until a packet or a new destination comes; then the next
   * tick is queued at the kernel's 2-second phase. Years of idle time cost nothing.
   */
  private estimatorRestingSince: number | null = null
  /** false: the estimator ticks every 2 s even at rest (a test checks both give the same rates). */
  estimatorMayRest = true
  /** Every timer due at or before this time has run. */
  private timersRunThrough = -1
  private listener: ((e: DirectorEvent) => void) | null = null
  /** The decision of the last scheduling, kept only while someone listens. */
  private lastDecision: ScheduleDecision | null = null
  private readonly schedCtx: ScheduleContext = { now: 0 as SimMs, sysctl: this.sysctl }
  private readonly keyScratch: TemplateKey & { kind: TemplateKind } = {
    protocol: 0,
    caddr: asIPv4(0),
    vaddr: asIPv4(0),
    vport: asPort(0),
    kind: 'ppc',
  }
  /** The connection sync daemons (`ipvsadm --start-daemon`); modelled as state only, nothing is synced. */
  readonly syncDaemons: { master: SyncDaemon | null; backup: SyncDaemon | null } = { master: null, backup: null }
  /** The director's network interfaces, as the seed's commands name them. */
  readonly interfaces: readonly string[] = ['lo', 'eth0']

  constructor() {
    this.timers.push(ESTIMATOR_PERIOD_MS, 'estimator')
  }

  onEvent(listener: ((e: DirectorEvent) => void) | null): void {
    this.listener = listener
  }

  private emit(e: DirectorEvent): void {
    this.listener?.(e)
  }

  // ---------------------------------------------------------------- time

  /** When the next timer is due, or undefined. */
  nextTimerAt(): SimMs | undefined {
    const t = this.timers.peekKey()
    return t === Number.POSITIVE_INFINITY ? undefined : (t as SimMs)
  }

  /** Run every timer due at or before `t` (`inclusive`) or strictly before it, then set the clock to `t`. */
  advanceTo(t: SimMs, inclusive = true): void {
    for (;;) {
      const at = this.timers.peekKey()
      if (at > t || (!inclusive && at === t)) break
      const timer = this.timers.pop()
      // undefined: an entry re-armed later since it was queued, filed again for then
      if (timer === undefined) continue
      if (at > this.now) this.now = at as SimMs
      this.fire(timer, at as SimMs, this.timers.poppedTag)
    }
    if (t > this.now) this.now = t
    this.timersRunThrough = Math.max(this.timersRunThrough, inclusive ? t : t - 0.5)
  }

  private fire(timer: DirectorTimer, at: SimMs, gen: number): void {
    switch (timer) {
      case 'estimator':
        if (this.estimate() && this.estimatorMayRest) this.estimatorRestingSince = at
        else this.timers.push(at + ESTIMATOR_PERIOD_MS, 'estimator')
        return
      case 'trash':
        this.trashExpire()
        return
      case 'nodest-flush':
        this.expireNodestConnFlush()
        return
      default: {
        const c = timer
        if (gen !== c.timerGen || !c.timerArmed) return
        c.timerNode = -1
        if (c.fireAt > at) {
          // (the queue postpones a later re-arm itself; this only guards the invariant)
          this.queueTimer(c)
          return
        }
        c.timerArmed = false
        this.expire(c)
      }
    }
  }

  /**
   * mod_timer(&cp->timer, now + delay). Each entry keeps at most one event in the timer queue: an
   * earlier expiry queues a new one (the old one goes stale); a later one postpones the queued
   * event, which the queue files again for then when its time comes — so re-arming on every packet
   * costs no queue work, and a postponed timer does not touch its entry.
   */
  private armTimer(c: Connection, delayMs: number): void {
    c.expiresAt = (this.now + delayMs) as SimMs
    c.fireAt = (c.expiresAt + wheelLatenessMs(delayMs)) as SimMs
    c.timerArmed = true
    const node = c.timerNode
    if (node < 0 || c.fireAt < this.timers.keyOf(node)) this.queueTimer(c)
    else this.timers.postpone(node, c.fireAt)
  }

  private queueTimer(c: Connection): void {
    this.dropTimerEvent(c)
    c.timerGen++
    c.timerNode = this.timers.push(c.fireAt, c, c.timerGen)
  }

  /** The entry's queued event goes stale (its generation no longer matches) and is not postponed further. */
  private dropTimerEvent(c: Connection): void {
    const node = c.timerNode
    if (node < 0) return
    this.timers.postpone(node, this.timers.keyOf(node))
    c.timerNode = -1
  }

  /** ip_vs_conn_put(): re-arm the entry's timer with its current timeout. */
  private connPut(c: Connection): void {
    if (c.onePacket) {
      this.expire(c)
      return
    }
    this.armTimer(c, c.timeoutMs)
  }

  /** ip_vs_conn_expire_now(): fire the pending timer at once (on the next tick). */
  private expireNow(c: Connection): void {
    if (c.timerArmed) this.armTimer(c, 0)
  }

  /**
   * Which rule expires templates: the kernel's, or the simplified one teaching texts state (a
   * template lives -p seconds after the last connection started, and is extended by 2 minutes
   * while the user is still online — Linux 2.4). The lab replays a run under both to show where
   * they disagree; the textbook rule is never the model.
   */
  templateRule: 'kernel' | 'textbook' = 'kernel'

  // mirrors ip_vs_conn_expire()
  private expire(c: Connection): void {
    if (c.nControl > 0 && c.isTemplate && this.templateRule === 'textbook') {
      // the textbook: "still online" means an open connection; a closed one (FIN_WAIT) does not count
      const controlled = [...this.table.all].filter((x) => x.control === c)
      const online = controlled.some((x) => x.protocol !== 6 || isActiveTcpState(x.state as TcpState))
      if (online) {
        c.rearms++
        if (this.listener) this.emit({ type: 'template-rearmed', template: c })
        this.armTimer(c, TEXTBOOK_EXTEND_MS)
        return
      }
      for (const x of controlled) this.controlDel(x)
    }
    if (c.nControl > 0) {
      // "expire later": still controls connections — re-arm with a fixed 60 s, which sticks.
      c.timeoutMs = TEMPLATE_REARM_MS
      if (c.isTemplate) {
        c.rearms++
        if (this.listener) this.emit({ type: 'template-rearmed', template: c })
      }
      this.armTimer(c, c.timeoutMs)
      return
    }
    const wasListed = c.listed
    this.table.remove(c)
    c.timerArmed = false
    const ct = c.control
    if (ct) {
      const forced = c.timeoutMs === 0
      this.controlDel(c)
      // Drop the controlling entry too when this one was deleted by force and the template is
      // neither controlling others nor ASSURED.
      if (forced && ct.nControl === 0 && !(ct.isTemplate && ct.state & TemplateState.ASSURED)) this.connDel(ct)
    }
    this.unbindDest(c)
    if (this.listener)
      this.emit(c.isTemplate ? { type: 'template-expired', template: c } : { type: 'connection-expired', conn: c })
    if (wasListed && !c.isTemplate && this.freeConnections.length < FREE_CONNECTIONS_KEPT) this.freeConnections.push(c)
  }

  /** ip_vs_conn_del(): delete an entry now, with timeout 0 so that it does not keep its template. */
  private connDel(c: Connection): void {
    if (!c.timerArmed) return
    c.timerArmed = false
    this.dropTimerEvent(c)
    c.timerGen++
    c.timeoutMs = 0
    this.expire(c)
  }

  // ---------------------------------------------------------------- binding

  // mirrors ip_vs_bind_dest()
  private bindDest(c: Connection, dest: Destination): void {
    c.dest = dest
    c.forward = dest.forward
    c.noOutput = dest.forward !== ForwardMethod.MASQ
    c.inactive = true
    dest.refs++
    if (c.isTemplate) dest.persistConns++
    else if (c.inactive) dest.inactConns++
    else dest.activeConns++
    dest.checkUpperThreshold()
  }

  // mirrors ip_vs_unbind_dest()
  private unbindDest(c: Connection): void {
    const dest = c.dest
    if (!dest) return
    if (c.isTemplate) dest.persistConns--
    else if (c.inactive) dest.inactConns--
    else dest.activeConns--
    dest.checkLowerThreshold()
    dest.refs--
  }

  /** ip_vs_control_add() */
  private controlAdd(c: Connection, ct: Connection): void {
    c.control = ct
    ct.nControl++
  }

  /** ip_vs_control_del() */
  private controlDel(c: Connection): void {
    const ct = c.control
    if (!ct) return
    c.control = null
    ct.nControl--
  }

  // mirrors ip_vs_conn_new(): bound to the destination, timeout 3 s, hashed unless one-packet.
  private connNew(
    protocol: number,
    caddr: IPv4,
    cport: Port,
    vaddr: IPv4,
    vport: Port,
    daddr: IPv4,
    dport: Port,
    isTemplate: boolean,
    onePacket: boolean,
    dest: Destination,
    fwmark: number,
  ): Connection {
    let c: Connection
    const free = this.freeConnections
    if (!isTemplate && free.length > 0) {
      c = free.pop() as Connection
      c.reinit(protocol, caddr, cport, vaddr, vport, daddr, dport, fwmark, this.now)
    } else c = new Connection(protocol, caddr, cport, vaddr, vport, daddr, dport, isTemplate, fwmark, this.now)
    c.onePacket = onePacket
    c.timeoutMs = NEW_CONN_TIMEOUT_MS
    this.bindDest(c, dest)
    this.table.add(c)
    if (!onePacket) this.table.hash(c)
    return c
  }

  // ---------------------------------------------------------------- services (ip_vs_ctl.c)

  /** The service a command names (__ip_vs_service_find() / __ip_vs_svc_fwm_find()). */
  getService(id: ServiceId): Service | null {
    if ('fwmark' in id) return this.byFwmark.get(id.fwmark) ?? null
    return this.byKey.get(serviceKey(id.protocol, id.vaddr, id.vport)) ?? null
  }

  // mirrors ip_vs_add_service()
  addService(spec: ServiceSpec): Errno | null {
    if (spec.protocol !== Protocol.TCP && spec.protocol !== Protocol.UDP && spec.protocol !== Protocol.SCTP)
      return 'EPROTONOSUPPORT'
    if (this.getService(serviceIdOf(spec))) return 'EEXIST'
    const sched = spec.schedName === 'none' ? null : findScheduler(spec.schedName)
    if (spec.schedName !== 'none' && !sched) return 'ENOENT'
    const svc = new Service(spec)
    svc.scheduler = sched
    svc.schedState = sched ? sched.init(svc) : null
    if (svc.isFwmark) this.byFwmark.set(svc.fwmark, svc)
    else this.byKey.set(serviceKey(svc.protocol, svc.vaddr, svc.vport), svc)
    if (!svc.isFwmark) {
      if (svc.vport === FTPPORT) this.ftpsvcCounter++
      else if (svc.vport === 0) this.nullsvcCounter++
    }
    this.services.push(svc)
    this.enabled = true
    return null
  }

  // mirrors ip_vs_edit_service(): replaces scheduler (re-initialised only if the name changes),
  // flags, timeout and netmask with exactly what was sent. Existing templates are untouched.
  editService(spec: ServiceSpec): Errno | null {
    const svc = this.getService(serviceIdOf(spec))
    if (!svc) return 'ESRCH'
    const sched = spec.schedName === 'none' ? null : findScheduler(spec.schedName)
    if (spec.schedName !== 'none' && !sched) return 'ENOENT'
    if (sched !== svc.scheduler) {
      svc.scheduler = sched
      svc.schedState = sched ? sched.init(svc) : null
    }
    svc.flags = spec.flags
    svc.persistTimeoutMs = spec.timeoutSec * 1000
    svc.netmask = spec.netmask
    svc.peName = spec.peName
    return null
  }

  // mirrors ip_vs_del_service() / __ip_vs_del_service(): destinations go to the trash; connections stay.
  delService(id: ServiceId): Errno | null {
    const svc = this.getService(id)
    if (!svc) return 'ESRCH'
    this.unlinkService(svc)
    return null
  }

  private unlinkService(svc: Service): void {
    for (const dest of [...svc.destinations]) {
      this.unlinkDest(svc, dest, false)
      this.delDestToTrash(dest)
    }
    if (svc.isFwmark) this.byFwmark.delete(svc.fwmark)
    else {
      this.byKey.delete(serviceKey(svc.protocol, svc.vaddr, svc.vport))
      if (svc.vport === FTPPORT) this.ftpsvcCounter--
      else if (svc.vport === 0) this.nullsvcCounter--
    }
    this.services.splice(this.services.indexOf(svc), 1)
  }

  /** ip_vs_flush(): `ipvsadm -C`. */
  flush(): void {
    for (const svc of [...this.services]) this.unlinkService(svc)
  }

  /** ip_vs_zero_service() / ip_vs_zero_all(): byte, packet and connection statistics only. */
  zero(id: ServiceId | null): Errno | null {
    if (id) {
      const svc = this.getService(id)
      if (!svc) return 'ESRCH'
      svc.stats.zero()
      for (const d of svc.destinations) d.stats.zero()
      return null
    }
    for (const svc of this.services) {
      svc.stats.zero()
      for (const d of svc.destinations) d.stats.zero()
    }
    this.totStats.zero()
    return null
  }

  /** ip_vs_set_timeout(): `ipvsadm --set tcp tcpfin udp`; 0 leaves a value unchanged. */
  setTimeouts(tcpSec: number, tcpFinSec: number, udpSec: number): Errno | null {
    const max = Math.floor(0x7fffffff / 250)
    if ([tcpSec, tcpFinSec, udpSec].some((v) => v < 0 || v > max)) return 'EINVAL'
    if (tcpSec) this.timeouts.tcp[TcpState.ESTABLISHED] = tcpSec * 1000
    if (tcpFinSec) this.timeouts.tcp[TcpState.FIN_WAIT] = tcpFinSec * 1000
    if (udpSec) this.timeouts.udp = udpSec * 1000
    return null
  }

  // ---------------------------------------------------------------- destinations

  /** ip_vs_lookup_dest() */
  findDest(svc: Service, addr: IPv4, port: Port): Destination | null {
    return svc.findDest(addr, port)
  }

  // mirrors ip_vs_add_dest(): a destination found in the trash for the same service identity is revived.
  addDest(svc: Service, spec: DestinationSpec): Errno | null {
    const err = this.checkDestSpec(spec)
    if (err) return err
    if (this.findDest(svc, spec.addr, spec.port)) return 'EEXIST'
    // a destination back from the trash may bring counters the estimator has not seen
    this.wakeEstimator()
    const identity = trashIdentity(spec.addr, spec.port, svc.fwmark, svc.protocol, svc.vaddr, svc.vport)
    let dest = this.trashByIdentity.get(identity)
    if (dest) {
      this.trash.delete(dest)
      this.trashByIdentity.delete(identity)
    } else {
      if (!isUnicast(spec.addr)) return 'EINVAL'
      dest = new Destination(spec, svc)
    }
    this.updateDest(svc, dest, spec, true)
    return null
  }

  // mirrors ip_vs_edit_dest()
  editDest(svc: Service, spec: DestinationSpec): Errno | null {
    const err = this.checkDestSpec(spec)
    if (err) return err
    const dest = this.findDest(svc, spec.addr, spec.port)
    if (!dest) return 'ENOENT'
    this.updateDest(svc, dest, spec, false)
    return null
  }

  private checkDestSpec(spec: DestinationSpec): Errno | null {
    if (spec.weight < 0) return 'ERANGE'
    if (spec.lThreshold > spec.uThreshold) return 'ERANGE'
    if (spec.tunType === 1 && spec.tunPort === 0) return 'EINVAL'
    return null
  }

  // mirrors __ip_vs_update_dest()
  private updateDest(svc: Service, dest: Destination, spec: DestinationSpec, add: boolean): void {
    if (add || spec.weight !== 0) dest.lastWeight = spec.weight
    dest.weight = spec.weight
    dest.forward = spec.forward
    dest.tunType = spec.tunType
    dest.tunPort = spec.tunPort
    dest.tunFlags = spec.tunFlags
    if (dest.svc !== svc) {
      if (dest.svc !== null) dest.stats.zero()
      dest.svc = svc
    }
    dest.available = true
    if (spec.uThreshold === 0 || spec.uThreshold > dest.uThreshold) dest.overloaded = false
    dest.uThreshold = spec.uThreshold
    dest.lThreshold = spec.lThreshold
    const sched = svc.scheduler
    if (add) {
      svc.linkDest(dest)
      sched?.addDest?.(svc, svc.schedState, dest)
    } else sched?.updDest?.(svc, svc.schedState, dest)
  }

  // mirrors ip_vs_del_dest()
  delDest(svc: Service, addr: IPv4, port: Port): Errno | null {
    const dest = this.findDest(svc, addr, port)
    if (!dest) return 'ENOENT'
    this.unlinkDest(svc, dest, true)
    this.delDestToTrash(dest)
    return null
  }

  // mirrors __ip_vs_unlink_dest()
  private unlinkDest(svc: Service, dest: Destination, svcupd: boolean): void {
    dest.available = false
    const index = svc.unlinkDest(dest)
    if (svcupd) svc.scheduler?.delDest?.(svc, svc.schedState, dest, index)
  }

  // mirrors __ip_vs_del_dest(): into the trash; with expire_nodest_conn its entries are swept a tick later.
  private delDestToTrash(dest: Destination): void {
    if (this.trash.size === 0 && !this.trashTimerArmed) {
      this.trashTimerArmed = true
      this.timers.push(this.now + DEST_TRASH_PERIOD_MS / 2, 'trash')
    }
    this.trash.add(dest)
    this.trashByIdentity.set(
      trashIdentity(dest.addr, dest.port, dest.vfwmark, dest.protocol, dest.vaddr, dest.vport),
      dest,
    )
    dest.idleStartMs = 0
    if (this.sysctl.expire_nodest_conn) this.timers.push(this.now, 'nodest-flush')
  }

  // mirrors ip_vs_dest_trash_expire()
  private trashExpire(): void {
    this.trashTimerArmed = false
    for (const dest of [...this.trash]) {
      if (dest.refs > 0) continue
      if (dest.idleStartMs) {
        if (this.now < dest.idleStartMs + DEST_TRASH_PERIOD_MS) continue
      } else {
        dest.idleStartMs = Math.max(1, this.now)
        continue
      }
      this.trash.delete(dest)
      const identity = trashIdentity(dest.addr, dest.port, dest.vfwmark, dest.protocol, dest.vaddr, dest.vport)
      if (this.trashByIdentity.get(identity) === dest) this.trashByIdentity.delete(identity)
    }
    if (this.trash.size > 0) {
      this.trashTimerArmed = true
      this.timers.push(this.now + DEST_TRASH_PERIOD_MS / 2, 'trash')
    }
  }

  // mirrors ip_vs_expire_nodest_conn_flush(): entries of unavailable destinations that control
  // nothing are deleted, and so are their templates once these control nothing either.
  private expireNodestConnFlush(): void {
    for (const c of [...this.table.all]) {
      if (!this.table.all.has(c)) continue
      const dest = c.dest
      if (!dest || dest.available) continue
      if (c.nControl > 0) continue
      const ct = c.control
      this.connDel(c)
      if (ct && ct.nControl === 0) this.connDel(ct)
    }
  }

  // ---------------------------------------------------------------- the packet path (ip_vs_core.c)

  // mirrors ip_vs_service_find(): fwmark first, then <proto, VIP, port>, then FTP's data-port
  // fallback to port 21, then the port-0 service.
  findServiceFor(mark: number, protocol: number, vaddr: IPv4, vport: Port): Service | null {
    if (mark) {
      const svc = this.byFwmark.get(mark >>> 0)
      if (svc) return svc
    }
    let svc = this.byKey.get(serviceKey(protocol, vaddr, vport)) ?? null
    if (!svc && protocol === Protocol.TCP && this.ftpsvcCounter > 0 && (vport === FTPDATA || vport >= 1024))
      svc = this.byKey.get(serviceKey(protocol, vaddr, FTPPORT)) ?? null
    if (!svc && this.nullsvcCounter > 0) svc = this.byKey.get(serviceKey(protocol, vaddr, 0)) ?? null
    return svc
  }

  /** The verdict of the last forwarded packet: one object, refilled for every packet (a packet allocates nothing). */
  private readonly forwarded: Extract<Verdict, { kind: 'forwarded' }> = {
    kind: 'forwarded',
    conn: null as unknown as Connection,
    created: false,
    decision: null,
  }

  /** A packet from a client (ip_vs_in_hook()). A 'forwarded' verdict is valid until the next packet. */
  receive(pkt: Packet): Verdict {
    if (!this.enabled) return { kind: 'local', reason: 'ipvs-disabled' }
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
    const verdict = this.forwarded
    verdict.conn = cp
    verdict.created = created
    verdict.decision = decision
    this.connPut(cp)
    return verdict
  }

  /** A reply from a real server through the director (NAT only): handle_response(). */
  receiveReply(cp: Connection, pkt: Packet): boolean {
    if (!cp.hashed || cp.forward !== ForwardMethod.MASQ) return false
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
    const conn = svc.persistent ? this.schedPersist(svc, pkt) : this.schedPlain(svc, pkt)
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
    let ct = this.table.findTemplate(key.protocol, key.caddr, key.vaddr, key.vport)
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
      const to = nextTcpState(from as TcpState, d, pkt.tcp ?? {})
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

  /** estimation_timer() over every linked stats; true when all are at rest. */
  private estimate(): boolean {
    this.totStats.estimate()
    let atRest = this.totStats.atRest
    for (const svc of this.services) {
      svc.stats.estimate()
      atRest &&= svc.stats.atRest
      for (const d of svc.destinations) {
        d.stats.estimate()
        atRest &&= d.stats.atRest
      }
    }
    return atRest
  }

  /** Counters are about to move: queue the estimator's next tick, in phase, if it was resting. */
  private wakeEstimator(): void {
    const since = this.estimatorRestingSince
    if (since === null) return
    this.estimatorRestingSince = null
    const ticks = Math.max(1, Math.floor((this.timersRunThrough - since) / ESTIMATOR_PERIOD_MS) + 1)
    this.timers.push(since + ticks * ESTIMATOR_PERIOD_MS, 'estimator')
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

/** The identity of the service a spec names. */
export const serviceIdOf = (spec: ServiceSpec): ServiceId =>
  spec.fwmark ? { fwmark: spec.fwmark } : { protocol: spec.protocol, vaddr: spec.vaddr, vport: spec.vport }

/** inet_addr_type() is RTN_LOCAL or RTN_UNICAST: not 0.0.0.0/8, not broadcast, not multicast. */
/** What ip_vs_trash_get_dest() matches: the address, and the service by fwmark or by protocol, VIP and port. */
function trashIdentity(addr: IPv4, port: Port, fwmark: number, protocol: number, vaddr: IPv4, vport: Port): string {
  return fwmark !== 0 ? `${addr}:${port} fwm ${fwmark}/${protocol}` : `${addr}:${port} ${protocol} ${vaddr}:${vport}`
}

function isUnicast(addr: IPv4): boolean {
  const a = addr >>> 0
  if (a >>> 24 === 0) return false
  if (a === 0xffffffff) return false
  if (a >>> 28 === 0xe) return false
  return true
}

export { asIPv4 }
