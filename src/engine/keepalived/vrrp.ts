import { formatIPv4 } from '../net/ipv4'
import {
  type LvsSyncDaemonConfig,
  TIMER_HZ,
  VRRP_DOWN_TIMER_ADVERTS,
  VRRP_PRIO_OWNER,
  type VrrpInstanceConfig,
} from './config'

/**
 * One keepalived 2.2.7 VRRP instance (vrrp.h `vrrp_t`) on the simulated clock: its init
 * (vrrp_scheduler.c `vrrp_init_state()`, `vrrp_init_instance_sands()`), its timer
 * (`vrrp_dispatcher_read_timeout()`: the backup's master-down timer, the master's advert
 * interval), the adverts it receives (`vrrp_dispatcher_read()` → vrrp.c `vrrp_state_backup()`,
 * `vrrp_state_master_rx()`, `vrrp_state_leave_master()`) and its stop (vrrp_daemon.c
 * `vrrp_terminate_phase1()`, vrrp.c `restore_vrrp_interfaces()`).
 *
 * Pure: it keeps plain data (a rewind checkpoint copies it), reads no clock and sends nothing.
 * Each call returns what happened — the adverts to send, the state entered, the VIPs to add or
 * remove and the gratuitous ARPs to send, keepalived's log lines, and (for the instance named by
 * `lvs_sync_daemon`) the `ipvsadm` lines ipvswrapper.c's `ipvs_syncd_cmd()` amounts to — for
 * its owner to carry out.
 *
 * Time: calls take the lab's milliseconds; keepalived's timers count microseconds (TIMER_HZ), so
 * the instance keeps them in µs and is due at the first whole millisecond at or after them
 * (`nextDue()`): a master-down timer of 3.609375 s fires at 3610 ms.
 */

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'STOP'

/** What an advertisement carries that the lab models (vrrp.h `vrrphdr_t`), and who sent it. */
export interface VrrpAdvert {
  /** The sender's source address: its interface's primary address (compared on equal priority). */
  from: number
  vrid: number
  /** 0: the sender stops being master (RFC 3768 §6.4.3). */
  priority: number
  version: 2 | 3
  /** The sender's advert_int in µs (a VRRPv2 packet carries whole seconds, v3 centiseconds). */
  advertIntUs: number
}

/** An advert to send now, multicast to 224.0.0.18 on `dev`. */
export interface SentAdvert extends VrrpAdvert {
  dev: string
}

/** A virtual address with its device resolved (`dev IF`, else the instance's interface). */
export interface Vip {
  addr: number
  prefixLen: number
  dev: string
}

/** What one call did, for the owner to carry out. */
export interface VrrpResult {
  adverts: SentAdvert[]
  /** The state this call entered (null: none). */
  state: VrrpState | null
  /** Addresses to add to (remove from) their devices. */
  addVips: Vip[]
  removeVips: Vip[]
  /** Gratuitous ARPs to send now: `count` for each address (garp_master_repeat, 5). */
  garps: { dev: string; addr: number; count: number }[]
  /** keepalived's lines, without the `Keepalived_vrrp[PID]: ` ident. */
  logs: string[]
  /** The sync daemon's `ipvsadm` lines (the instance named by lvs_sync_daemon only). */
  ipvsadm: string[]
}

export function emptyResult(): VrrpResult {
  return { adverts: [], state: null, addVips: [], removeVips: [], garps: [], logs: [], ipvsadm: [] }
}

/** TIMER_CENTI_HZ (timer.h). */
const TIMER_CENTI_HZ = 10_000

export interface VrrpInstanceOptions {
  /** The primary address of the instance's interface (the adverts' source; 0 when unknown). */
  selfAddr: number
  /** The global lvs_sync_daemon when it names this instance. */
  syncd: LvsSyncDaemonConfig | null
  /** keepalived -D (`--log-detail`): the lines keepalived logs only then. */
  logDetail: boolean
}

export class VrrpInstance {
  readonly cfg: VrrpInstanceConfig
  readonly selfAddr: number
  readonly syncd: LvsSyncDaemonConfig | null
  logDetail: boolean
  state: VrrpState = 'INIT'
  /** What the instance wants to be (vrrp_t `wantstate`). */
  wantState: 'MASTER' | 'BACKUP'
  /** effective_priority (the lab has no tracking: base priority, lowered only by an owner conflict). */
  priority: number
  /** master_adver_int, µs (VRRPv3 learns the master's). */
  masterAdverIntUs: number
  /** ms_down_timer, µs. */
  msDownTimerUs = 0
  /** When the instance's timer (`sands`) expires, µs; Infinity: disabled. */
  sandsUs = Number.POSITIVE_INFINITY
  /** preempt_time, µs (0: not running). */
  preemptTimeUs = 0
  /** VIPs set on the interface (VRRP_VIP_ISSET). */
  vipSet = false
  /** The delayed gratuitous ARP round (garp_master_delay after becoming master), µs. */
  garpDueUs = Number.POSITIVE_INFINITY
  /** The last master heard from (master_saddr, master_priority); 0 until one is. */
  masterAddr = 0
  masterPriority = 0

  constructor(cfg: VrrpInstanceConfig, opts: VrrpInstanceOptions) {
    this.cfg = cfg
    this.selfAddr = opts.selfAddr
    this.syncd = opts.syncd
    this.logDetail = opts.logDetail
    this.wantState = cfg.state
    this.priority = cfg.priority
    this.masterAdverIntUs = cfg.advertIntUs
  }

  get name(): string {
    return this.cfg.name
  }

  get dev(): string {
    return this.cfg.interface ?? ''
  }

  /** The instance's addresses, each on its device. */
  vips(): Vip[] {
    return this.cfg.vips.map((v) => ({ addr: v.addr, prefixLen: v.prefixLen, dev: v.dev ?? this.dev }))
  }

  // --- vrrp.h's timers ---

  /** VRRP_TIMER_SKEW_CALC: v2 (256 − p)/256 s (RFC 3768); v3 (256 − p) × Master_Adver_Interval/256 (RFC 5798). */
  skewUs(pri = 256 - this.priority): number {
    if (this.cfg.version === 3) return Math.floor((pri * Math.floor(this.masterAdverIntUs / TIMER_CENTI_HZ) * 625) / 16)
    return Math.floor((pri * TIMER_HZ) / 256)
  }

  /** VRRP_MS_DOWN_TIMER: down_timer_adverts (3) × master_adver_int + skew. */
  masterDownIntervalUs(): number {
    return VRRP_DOWN_TIMER_ADVERTS * this.masterAdverIntUs + this.skewUs()
  }

  /** The next millisecond at which `fire()` has something to do, or Infinity. */
  nextDue(): number {
    const us = Math.min(this.sandsUs, this.garpDueUs)
    return us === Number.POSITIVE_INFINITY ? us : Math.ceil(us / 1000)
  }

  // --- vrrp_scheduler.c ---

  /**
   * `vrrp_init_state()` then `vrrp_init_sands()`: an address owner (priority 255, state MASTER)
   * becomes master at once (a master-down timer of 1 µs); any other instance — `state MASTER`
   * with a lower priority too — enters BACKUP and waits the master-down interval
   * (3 × advert_int + skew) for a master's advert. The sync daemon starts as backup.
   */
  start(nowMs: number): VrrpResult {
    const r = emptyResult()
    const now = nowMs * 1000
    this.syncdCmd(r, 'start', 'backup')
    if (this.wantState === 'MASTER' && this.cfg.priority === VRRP_PRIO_OWNER) {
      // "The simplest way to become master is to timeout from the backup state very quickly (1usec)"
      this.state = 'BACKUP'
      this.msDownTimerUs = 1
    } else {
      this.msDownTimerUs = this.masterDownIntervalUs()
      r.logs.push(`(${this.name}) Entering BACKUP STATE (init)`)
      this.state = 'BACKUP'
    }
    r.state = 'BACKUP'
    this.initSands(now)
    return r
  }

  /**
   * A reload (SIGHUP) that kept this instance (vrrp.c `vrrp_exist()`: same virtual_router_id and
   * interface): it carries on in `old`'s state (`vrrp_complete_init()`), with its addresses still
   * set (`restore_vrrp_state()`): those no longer configured go (`clear_diff_vrrp_vip()`), new
   * ones are added with a round of gratuitous ARPs. A master sends its next advert at once
   * (`reload_master`); a backup waits a full master-down interval.
   */
  resumeFrom(old: VrrpInstance, nowMs: number): VrrpResult {
    const r = emptyResult()
    const now = nowMs * 1000
    if (old.state !== 'MASTER' && old.state !== 'BACKUP') return this.start(nowMs)
    this.state = old.state
    this.wantState = old.state
    this.vipSet = old.vipSet
    if (old.vipSet) {
      const key = (v: Vip) => `${v.addr}/${v.prefixLen}@${v.dev}`
      const kept = new Set(this.vips().map(key))
      const before = new Set(old.vips().map(key))
      r.removeVips.push(...old.vips().filter((v) => !kept.has(key(v))))
      const added = this.vips().filter((v) => !before.has(key(v)))
      if (added.length > 0) {
        if (this.logDetail) r.logs.push(`(${this.name}) setting VIPs.`)
        r.addVips.push(...added)
        this.sendLinkUpdate(r)
      }
    }
    if (this.state === 'MASTER') this.sandsUs = now
    else {
      this.msDownTimerUs = this.masterDownIntervalUs()
      this.initSands(now)
    }
    return r
  }

  /** A reload dropped this instance (`clear_diff_vrrp()`): a master sends priority 0 and removes its addresses. */
  remove(_nowMs: number): VrrpResult {
    const r = emptyResult()
    if (this.state === 'MASTER') this.restoreInterface(r, true)
    this.state = 'STOP'
    r.state = 'STOP'
    this.sandsUs = Number.POSITIVE_INFINITY
    this.garpDueUs = Number.POSITIVE_INFINITY
    return r
  }

  /**
   * keepalived stopping (`vrrp_terminate_phase1()`): the sync daemon stops, then a master sends
   * a priority-0 advert and removes its addresses (`restore_vrrp_interfaces()`).
   */
  stop(_nowMs: number): VrrpResult {
    const r = emptyResult()
    if (this.state === 'STOP' || this.state === 'INIT') return r
    this.syncdCmd(r, 'stop', this.state === 'MASTER' ? 'master' : 'backup')
    if (this.state === 'MASTER') this.restoreInterface(r, true)
    this.state = 'STOP'
    r.state = 'STOP'
    this.sandsUs = Number.POSITIVE_INFINITY
    this.garpDueUs = Number.POSITIVE_INFINITY
    return r
  }

  /**
   * The timers due at `nowMs` (`vrrp_dispatcher_read_timeout()`, and the delayed gratuitous ARP
   * thread): a backup whose master-down timer ran out becomes master; a master sends its advert.
   */
  fire(nowMs: number): VrrpResult {
    const r = emptyResult()
    const now = nowMs * 1000
    if (this.garpDueUs <= now) {
      this.garpDueUs = Number.POSITIVE_INFINITY
      this.sendLinkUpdate(r) // vrrp_gratuitous_arp_thread()
    }
    if (this.sandsUs > now) return r
    if (this.state === 'BACKUP') {
      if (this.logDetail) r.logs.push(`(${this.name}) Receive advertisement timeout`)
      this.wantState = 'MASTER'
      this.gotoMaster(r, now)
    } else if (this.state === 'MASTER') this.masterTx(r, now)
    this.initSands(now)
    return r
  }

  /**
   * An advert heard on the instance's interface (`vrrp_dispatcher_read()`): adverts for another
   * virtual router id are not this instance's (the caller routes by vrid); in BACKUP
   * `vrrp_state_backup()`, in MASTER `vrrp_state_master_rx()` and, when it yields,
   * `vrrp_state_leave_master()`.
   */
  receive(nowMs: number, adv: VrrpAdvert): VrrpResult {
    const r = emptyResult()
    const now = nowMs * 1000
    if (adv.vrid !== this.cfg.vrid) return r
    if (this.state !== 'BACKUP' && this.state !== 'MASTER') return r
    const ok = this.checkPacket(r, adv)
    if (this.state === 'BACKUP') this.stateBackup(r, adv, ok, now)
    else if (this.stateMasterRx(r, adv, ok)) this.leaveMaster(r)
    this.initSands(now)
    return r
  }

  // --- vrrp.c ---

  /** `vrrp_check_packet()`, the checks the lab's adverts can fail: the version, a VRRPv2 advert interval. */
  private checkPacket(r: VrrpResult, adv: VrrpAdvert): boolean {
    if (adv.version !== this.cfg.version) {
      r.logs.push(`(${this.name}) wrong version. Received ${adv.version} and expect ${this.cfg.version}`)
      return false
    }
    if (this.cfg.version === 2 && adv.advertIntUs !== this.cfg.advertIntUs) {
      r.logs.push(
        `(${this.name}) advertisement interval mismatch mine=${Math.floor(this.cfg.advertIntUs / TIMER_HZ)} sec rcv'd=${Math.floor(adv.advertIntUs / TIMER_HZ)} sec`,
      )
      return false
    }
    return true
  }

  /** `update_master_adver_int()` (VRRPv3: the backup follows the master's interval). */
  private learnAdverInt(r: VrrpResult, adv: VrrpAdvert): void {
    if (this.cfg.version !== 3) return
    const us = Math.floor(adv.advertIntUs / TIMER_CENTI_HZ) * TIMER_CENTI_HZ
    if (us === this.masterAdverIntUs) return
    if (this.logDetail)
      r.logs.push(
        `(${this.name}) advertisement interval updated from ${Math.floor(this.masterAdverIntUs / 1000)}ms to ${Math.floor(us / 1000)}ms by master`,
      )
    this.masterAdverIntUs = us
  }

  /** `vrrp_state_backup()`. */
  private stateBackup(r: VrrpResult, adv: VrrpAdvert, ok: boolean, now: number): void {
    let ignore = !ok
    if (ok && adv.priority === 0) {
      if (this.logDetail) r.logs.push(`(${this.name}) Backup received priority 0 advertisement`)
      this.msDownTimerUs = this.skewUs()
    } else if (
      ok &&
      (this.cfg.nopreempt ||
        adv.priority >= this.priority ||
        (this.cfg.preemptDelayUs > 0 && (this.preemptTimeUs === 0 || this.preemptTimeUs > now)))
    ) {
      this.learnAdverInt(r, adv)
      this.msDownTimerUs = this.masterDownIntervalUs()
      this.masterAddr = adv.from
      this.masterPriority = adv.priority
      if (this.cfg.preemptDelayUs > 0) {
        if (adv.priority >= this.priority) {
          if (this.preemptTimeUs) {
            if (this.logDetail) r.logs.push(`(${this.name}) stop preempt delay`)
            this.preemptTimeUs = 0
          }
        } else if (!this.preemptTimeUs) {
          const d = this.cfg.preemptDelayUs
          if (this.logDetail)
            r.logs.push(
              `(${this.name}) start preempt delay (${Math.floor(d / TIMER_HZ)}.${String(d % TIMER_HZ).padStart(6, '0')})`,
            )
          this.preemptTimeUs = now + d
        }
      }
      this.wantState = 'BACKUP'
    } else if (ok) {
      // not nopreempt, a lower priority, any preempt delay over: let the master-down timer run out
      r.logs.push(
        `(${this.name}) received lower priority (${adv.priority}) advert from ${formatIPv4(adv.from)} - discarding`,
      )
      ignore = true
      this.masterAddr = adv.from
    }
    // an ignored advert leaves the timer where it was
    if (ignore) this.msDownTimerUs = Math.max(0, this.sandsUs - now)
  }

  /** `vrrp_state_master_rx()`: true when the master yields. */
  private stateMasterRx(r: VrrpResult, adv: VrrpAdvert, ok: boolean): boolean {
    if (!ok) return false
    const cmp = adv.from > this.selfAddr ? 1 : adv.from < this.selfAddr ? -1 : 0
    if (adv.priority === 0) {
      this.sendAdv(r, this.priority)
      if (this.logDetail) r.logs.push(`(${this.name}) Master received priority 0 message`)
      return false
    }
    if (adv.priority === this.priority) {
      if (cmp === 0)
        r.logs.push(`(${this.name}) WARNING - equal priority advert received from remote host with our IP address.`)
      else if (this.priority === VRRP_PRIO_OWNER) {
        r.logs.push(
          `(${this.name}) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`,
        )
        this.priority = VRRP_PRIO_OWNER - 1
      }
    }
    if (adv.priority < this.priority || (adv.priority === this.priority && cmp < 0)) {
      // lower_prio_no_advert is false by default: answer with an advert
      r.logs.push(
        `(${this.name}) Received advert from ${formatIPv4(adv.from)} with lower priority ${adv.priority}, ours ${this.priority}, forcing new election`,
      )
      this.sendAdv(r, this.priority)
      return false
    }
    if (adv.priority > this.priority || (adv.priority === this.priority && cmp > 0)) {
      r.logs.push(
        adv.priority > this.priority
          ? `(${this.name}) Master received advert from ${formatIPv4(adv.from)} with higher priority ${adv.priority}, ours ${this.priority}`
          : `(${this.name}) Master received advert from ${formatIPv4(adv.from)} with same priority ${adv.priority} but higher IP address than ours`,
      )
      this.learnAdverInt(r, adv)
      this.msDownTimerUs = this.masterDownIntervalUs()
      this.masterAddr = adv.from
      this.masterPriority = adv.priority
      this.wantState = 'BACKUP'
      return true
    }
    return false
  }

  /** `vrrp_state_leave_master()`: the sync daemon to backup, BACKUP, the addresses removed. */
  private leaveMaster(r: VrrpResult): void {
    if (this.vipSet && this.syncd) {
      this.syncdCmd(r, 'stop', 'master')
      this.syncdCmd(r, 'start', 'backup')
    }
    r.logs.push(`(${this.name}) Entering BACKUP STATE`)
    this.preemptTimeUs = 0
    this.restoreInterface(r, false)
    this.state = 'BACKUP'
    r.state = 'BACKUP'
    this.msDownTimerUs = this.masterDownIntervalUs()
  }

  /** `vrrp_goto_master()` → `vrrp_state_goto_master()`. */
  private gotoMaster(r: VrrpResult, now: number): void {
    this.state = 'MASTER'
    this.initSands(now)
    this.masterTx(r, now)
  }

  /** `vrrp_state_master_tx()`: the advert first (the old master must drop the VIPs before our ARPs), then become master. */
  private masterTx(r: VrrpResult, now: number): void {
    this.sendAdv(r, this.priority)
    if (!this.vipSet) {
      r.logs.push(`(${this.name}) Entering MASTER STATE`)
      r.state = 'MASTER'
      this.becomeMaster(r)
      if (this.cfg.garpDelayUs) this.garpDueUs = now + this.cfg.garpDelayUs
    }
  }

  /** `vrrp_state_become_master()`: the addresses, gratuitous ARPs, and the sync daemon to master. */
  private becomeMaster(r: VrrpResult): void {
    if (this.cfg.version === 3 && this.logDetail && this.masterAdverIntUs !== this.cfg.advertIntUs) {
      r.logs.push(
        `(${this.name}) changing advert interval from ${Math.floor(this.masterAdverIntUs / 1000)}ms to locally configured ${Math.floor(this.cfg.advertIntUs / 1000)}ms`,
      )
      this.masterAdverIntUs = this.cfg.advertIntUs
    }
    if (this.cfg.vips.length > 0) {
      if (this.logDetail) r.logs.push(`(${this.name}) setting VIPs.`)
      r.addVips.push(...this.vips())
    }
    this.vipSet = true
    this.sendLinkUpdate(r)
    if (this.syncd) {
      this.syncdCmd(r, 'stop', 'backup')
      this.syncdCmd(r, 'start', 'master')
    }
  }

  /** `vrrp_restore_interface()`: with `advF` a priority-0 advert first; then the addresses go. */
  private restoreInterface(r: VrrpResult, advF: boolean): void {
    if (advF) {
      this.sendAdv(r, 0)
      if (this.logDetail) r.logs.push(`(${this.name}) sent 0 priority`)
    }
    this.garpDueUs = Number.POSITIVE_INFINITY
    if (this.vipSet) {
      if (this.cfg.vips.length > 0) {
        if (this.logDetail) r.logs.push(`(${this.name}) removing VIPs.`)
        r.removeVips.push(...this.vips())
      }
      this.vipSet = false
    }
  }

  /** `vrrp_send_link_update()`: garp_master_repeat gratuitous ARPs for each address, while they are set. */
  private sendLinkUpdate(r: VrrpResult): void {
    if (!this.vipSet) return
    const vips = this.vips()
    for (const v of vips) r.garps.push({ dev: v.dev, addr: v.addr, count: this.cfg.garpRepeat })
    if (!this.logDetail) return
    // vrrp_send_update() logs the round's first; vrrp_arp.c each ARP it sends
    for (let j = 0; j < this.cfg.garpRepeat; j++)
      for (const v of vips) {
        if (j === 0)
          r.logs.push(`(${this.name}) Sending/queueing gratuitous ARPs on ${v.dev} for ${formatIPv4(v.addr)}`)
        r.logs.push(`Sending gratuitous ARP on ${v.dev} for ${formatIPv4(v.addr)}`)
      }
  }

  /** `vrrp_send_adv()`. */
  private sendAdv(r: VrrpResult, priority: number): void {
    r.adverts.push({
      from: this.selfAddr,
      vrid: this.cfg.vrid,
      priority,
      version: this.cfg.version,
      advertIntUs: this.cfg.advertIntUs,
      dev: this.dev,
    })
  }

  /** `vrrp_init_instance_sands()`: a master's next advert, a backup's master-down timer. */
  private initSands(now: number): void {
    if (this.state === 'MASTER') this.sandsUs = now + this.cfg.advertIntUs
    else if (this.state === 'BACKUP') this.sandsUs = now + this.msDownTimerUs
    else this.sandsUs = Number.POSITIVE_INFINITY
  }

  private syncdCmd(r: VrrpResult, cmd: 'start' | 'stop', state: 'master' | 'backup'): void {
    const line = this.syncdLine(cmd, state)
    if (line !== null) r.ipvsadm.push(line)
  }

  /**
   * ipvswrapper.c `ipvs_syncd_cmd()` as an ipvsadm line (null: this instance does not drive the
   * sync daemon): `--start-daemon STATE --mcast-interface IF --syncid N` with keepalived's optional
   * attributes (`--sync-maxlen`, `--mcast-group`, `--mcast-port`, `--mcast-ttl`), or
   * `--stop-daemon STATE`.
   */
  syncdLine(cmd: 'start' | 'stop', state: 'master' | 'backup'): string | null {
    const s = this.syncd
    if (!s) return null
    if (cmd === 'stop') return `ipvsadm --stop-daemon ${state}`
    let line = `ipvsadm --start-daemon ${state} --mcast-interface ${s.ifname} --syncid ${s.syncid}`
    if (s.maxlen !== null) line += ` --sync-maxlen ${s.maxlen}`
    if (s.group !== null) line += ` --mcast-group ${formatIPv4(s.group)}`
    if (s.port !== null) line += ` --mcast-port ${s.port}`
    if (s.ttl !== null) line += ` --mcast-ttl ${s.ttl}`
    return line
  }
}
