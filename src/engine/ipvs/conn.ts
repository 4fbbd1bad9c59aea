import { asIPv4, asPort, type Port } from '../net/ipv4'
import type { Addr } from '../net/ipv6'
import { CalendarQueue } from '../sim/calendarQueue'
import type { SimMs } from '../sim/time'
import { wheelLatenessMs } from '../sim/timerWheel'
import { Connection, ConnectionTable, TemplateState } from './connection'
import { type Destination, ForwardMethod } from './destination'
import { isActiveTcpState, TCP_DEFAULT_TIMEOUTS_SEC, type TcpState } from './proto/tcp'
import { UDP_DEFAULT_TIMEOUT_SEC } from './proto/udp'
import type { ScheduleContext } from './schedulers'
import type { Service } from './service'
import { ESTIMATOR_PERIOD_MS, IpvsStats } from './stats'
import type { SyncMaster } from './sync'
import { defaultSysctls, type Sysctls, updateDefenseLevel } from './sysctl'
import type { TemplateKey, TemplateKind } from './template'
import type { DirectorEvent, ScheduleDecision, SyncDaemon, TimeoutTables } from './types'

/** What sits in the timer queue: an entry's own timer, or one of the director's periodic jobs. */
type DirectorTimer = Connection | 'trash' | 'estimator' | 'nodest-flush'

/** ip_vs_conn_expire(): a template still controlling connections is re-armed with this, and keeps it. */
export const TEMPLATE_REARM_MS = 60_000
/** What teaching texts (and Linux 2.4) say: extended by 2 minutes while the user is still online. */
const TEXTBOOK_EXTEND_MS = 120_000
/** IP_VS_DEST_TRASH_PERIOD: a destination idle this long in the trash is freed; checked every half of it. */
export const DEST_TRASH_PERIOD_MS = 120_000
/** DEFENSE_TIMER_PERIOD (ip_vs_ctl.c): 1 s. */
export const DEFENSE_TIMER_PERIOD_MS = 1000
/** At most this many expired connection objects wait for reuse. */
const FREE_CONNECTIONS_KEPT = 1 << 16
/** A new entry's timeout until its first state transition (ip_vs_conn_new()). */
const NEW_CONN_TIMEOUT_MS = 3000

/**
 * The state of one IPVS instance (struct netns_ipvs) and its connection entries: the table, the
 * timers (ip_vs_conn_expire(), mod_timer()), binding to destinations (ip_vs_bind_dest(),
 * ip_vs_unbind_dest()), templates' control (ip_vs_control_add()/del()) and ip_vs_conn_new().
 * The control operations extend it (ctl.ts, ip_vs_ctl.c), the packet path last (director.ts,
 * ip_vs_core.c): the Director is the facade.
 */
export abstract class IpvsConnections {
  now = 0 as SimMs
  readonly sysctl: Sysctls = defaultSysctls()
  readonly timeouts: TimeoutTables = {
    tcp: TCP_DEFAULT_TIMEOUTS_SEC.map((s) => s * 1000),
    udp: UDP_DEFAULT_TIMEOUT_SEC * 1000,
  }
  /** Services in creation order (the kernel's own order is its hash tables'; ipvsadm sorts anyway). */
  readonly services: Service[] = []
  protected readonly byKey = new Map<number | string, Service>()
  protected readonly byFwmark = new Map<number, Service>()
  protected ftpsvcCounter = 0
  protected nullsvcCounter = 0
  /** Set when the first service is added, never cleared: before it IPVS ignores every packet. */
  enabled = false
  /** Deleted destinations kept while entries still use them (ip_vs_dest_trash), oldest first. */
  readonly trash = new Set<Destination>()
  /**
   * The trash by service identity. ip_vs_trash_get_dest() walks the list; an identity is there
   * once at most (re-adding it revives it), so the index gives the same answer.
   */
  protected readonly trashByIdentity = new Map<string, Destination>()
  readonly table = new ConnectionTable()
  /**
   * Expired connection objects kept for reuse, like the kernel's slab cache of ip_vs_conn
   * (ip_vs_conn_cachep): long-lived entries cost the garbage collector most. Templates are never
   * reused — the app keeps them to draw their whole life. An entry object is valid until its
   * 'connection-expired' event; whoever needs it longer copies what it needs.
   */
  protected readonly freeConnections: Connection[] = []
  readonly totStats = new IpvsStats()
  protected readonly timers = new CalendarQueue<DirectorTimer>()
  protected trashTimerArmed = false
  /**
   * The tick at which the estimator found every rate at 0 and stopped (null: it ticks). Idle ticks
   * change nothing, so none is queued until a packet or a new destination comes; then the next
   * tick is queued at the kernel's 2-second phase. Years of idle time cost nothing.
   */
  protected estimatorRestingSince: number | null = null
  /** The whole second (of simulated time) of update_defense_level()'s last periodic run. */
  private defenseRunSecond = 0
  /** false: the estimator ticks every 2 s even at rest (a test checks both give the same rates). */
  estimatorMayRest = true
  /** Every timer due at or before this time has run. */
  protected timersRunThrough = -1
  protected listener: ((e: DirectorEvent) => void) | null = null
  /** The decision of the last scheduling, kept only while someone listens. */
  protected lastDecision: ScheduleDecision | null = null
  protected readonly schedCtx: ScheduleContext = { now: 0 as SimMs, sysctl: this.sysctl }
  protected readonly keyScratch: TemplateKey & { kind: TemplateKind } = {
    protocol: 0,
    caddr: asIPv4(0),
    vaddr: asIPv4(0),
    vport: asPort(0),
    kind: 'ppc',
  }
  /** The connection sync daemons (`ipvsadm --start-daemon`); modelled as state only, nothing is synced. */
  readonly syncDaemons: { master: SyncDaemon | null; backup: SyncDaemon | null } = { master: null, backup: null }
  /** The master sync thread's buffers (ipvs->ms[0]) while a master daemon runs (sync.ts). */
  syncMaster: SyncMaster | null = null
  /** The director's network interfaces, as the classic textbook example's commands name them. */
  readonly interfaces: readonly string[] = ['lo', 'eth0']
  /** Their MTUs (dev->mtu): what a backup sync daemon's default maxlen follows. */
  readonly interfaceMtu: Readonly<Record<string, number>> = Object.freeze({ lo: 65536, eth0: 1500 })

  constructor() {
    this.timers.push(ESTIMATOR_PERIOD_MS, 'estimator')
  }

  onEvent(listener: ((e: DirectorEvent) => void) | null): void {
    this.listener = listener
  }

  protected emit(e: DirectorEvent): void {
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
    this.defenseWork()
  }

  /**
   * defense_work_handler(): update_defense_level() every second (DEFENSE_TIMER_PERIOD), from the
   * namespace's start. What it reads besides the sysctls — the director's free memory — is
   * constant in the model, so a run changes something only after `amemthresh` was written, and
   * one run stands for every run since: it runs when time crosses a whole second. Nothing the
   * timers above do reads the defence keys, so running it after them is the same.
   */
  private defenseWork(): void {
    const second = Math.floor(this.timersRunThrough / DEFENSE_TIMER_PERIOD_MS)
    if (second <= this.defenseRunSecond) return
    this.defenseRunSecond = second
    updateDefenseLevel(this.sysctl)
  }

  protected fire(timer: DirectorTimer, at: SimMs, gen: number): void {
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
  protected armTimer(c: Connection, delayMs: number): void {
    c.expiresAt = (this.now + delayMs) as SimMs
    c.fireAt = (c.expiresAt + wheelLatenessMs(delayMs)) as SimMs
    c.timerArmed = true
    const node = c.timerNode
    if (node < 0 || c.fireAt < this.timers.keyOf(node)) this.queueTimer(c)
    else this.timers.postpone(node, c.fireAt)
  }

  protected queueTimer(c: Connection): void {
    this.dropTimerEvent(c)
    c.timerGen++
    c.timerNode = this.timers.push(c.fireAt, c, c.timerGen)
  }

  /** The entry's queued event goes stale (its generation no longer matches) and is not postponed further. */
  protected dropTimerEvent(c: Connection): void {
    const node = c.timerNode
    if (node < 0) return
    this.timers.postpone(node, this.timers.keyOf(node))
    c.timerNode = -1
  }

  /** ip_vs_conn_put(): re-arm the entry's timer with its current timeout. */
  protected connPut(c: Connection): void {
    if (c.onePacket) {
      this.expire(c)
      return
    }
    this.armTimer(c, c.timeoutMs)
  }

  /** ip_vs_conn_expire_now(): fire the pending timer at once (on the next tick). */
  protected expireNow(c: Connection): void {
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
  protected expire(c: Connection): void {
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
  protected connDel(c: Connection): void {
    if (!c.timerArmed) return
    c.timerArmed = false
    this.dropTimerEvent(c)
    c.timerGen++
    c.timeoutMs = 0
    this.expire(c)
  }

  // ---------------------------------------------------------------- binding

  // mirrors ip_vs_bind_dest()
  // `synced`: IP_VS_CONN_F_SYNC — the activity flag is the sync message's, kept as set
  protected bindDest(c: Connection, dest: Destination, synced = false): void {
    c.dest = dest
    c.forward = dest.forward
    c.noOutput = dest.forward !== ForwardMethod.MASQ
    if (!synced) c.inactive = true
    dest.refs++
    if (c.isTemplate) dest.persistConns++
    else if (c.inactive) dest.inactConns++
    else dest.activeConns++
    if (!c.isTemplate) dest.checkUpperThreshold()
  }

  // mirrors ip_vs_unbind_dest()
  protected unbindDest(c: Connection): void {
    const dest = c.dest
    if (!dest) return
    if (c.isTemplate) dest.persistConns--
    else if (c.inactive) dest.inactConns--
    else dest.activeConns--
    if (!c.isTemplate) dest.checkLowerThreshold()
    dest.refs--
  }

  /** ip_vs_control_add() */
  protected controlAdd(c: Connection, ct: Connection): void {
    c.control = ct
    ct.nControl++
  }

  /** ip_vs_control_del() */
  protected controlDel(c: Connection): void {
    const ct = c.control
    if (!ct) return
    c.control = null
    ct.nControl--
  }

  // mirrors ip_vs_conn_new(): bound to the destination, timeout 3 s, hashed unless one-packet.
  protected connNew(
    protocol: number,
    caddr: Addr,
    cport: Port,
    vaddr: Addr,
    vport: Port,
    daddr: Addr,
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

  // ---------------------------------------------------------------- what the layers above provide

  /** ip_vs_ctl.c: free the trash's idle destinations (the 'trash' timer). */
  protected abstract trashExpire(): void
  /** ip_vs_ctl.c: expire entries whose destination is gone (the 'nodest-flush' timer). */
  protected abstract expireNodestConnFlush(): void
  /** ip_vs_est.c estimation_timer(): true when every rate is at rest. */
  protected abstract estimate(): boolean
}
