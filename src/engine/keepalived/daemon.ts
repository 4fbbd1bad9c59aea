import { formatIPv4 } from '../net/ipv4'
import { type CheckerState, epilog, probe } from './checker'
import {
  BOOTSTRAP_DELAY_MS,
  type KeepalivedConfig,
  type LbKind,
  type RealServerConfig,
  type VirtualServerConfig,
} from './config'
import type { RealServerFaults } from './faults'
import { formatVs, type ParseResult, parseKeepalivedConf, trio } from './parser'
import {
  emptyResult as emptyVrrpResult,
  type SentAdvert,
  type Vip,
  type VrrpAdvert,
  VrrpInstance,
  type VrrpResult,
  type VrrpState,
} from './vrrp'

/** Debian 12's keepalived (`keepalived -v`). */
export const KEEPALIVED_VERSION = 'Keepalived v2.2.7 (01/16,2022)'
export const DEFAULT_CONF = '/etc/keepalived/keepalived.conf'
/** systemd 252's words for the unit (keepalived.service's Description). */
const UNIT = 'keepalived.service - Keepalive Daemon (LVS and VRRP)'

/** One line of the daemon's log, as journald keeps it. */
export interface LogLine {
  ms: number
  ident: string
  text: string
}

/** A command line the daemon ran against IPVS (its `ipvs_cmd()`), for the player to record. */
export interface DaemonCommand {
  at: number
  cmd: string
  stdout: string
  stderr: string
  exit: number
}

/**
 * What a VRRP instance did at `at` that the host carries out (its log lines are in the journal,
 * its sync-daemon lines already ran through the shell): adverts to multicast on `dev`, the state
 * entered, addresses to add or remove, gratuitous ARPs to send.
 */
export interface VrrpEvent {
  at: number
  instance: string
  adverts: SentAdvert[]
  state: VrrpState | null
  addVips: Vip[]
  removeVips: Vip[]
  garps: { dev: string; addr: number; count: number }[]
}

/** How the daemon runs a line in the director's shell (given at each call: the daemon keeps no closure). */
export type RunLine = (line: string) => { stdout: string; stderr: string; exit: number }

interface RsState {
  cfg: RealServerConfig
  alive: boolean
  set: boolean
  numFailed: number
}

interface VsState {
  cfg: VirtualServerConfig
  rs: RsState[]
  quorumUp: boolean
  sorry: { alive: boolean; set: boolean } | null
}

/**
 * keepalived's checker process on the director: started, reloaded and stopped from the shell,
 * it programs IPVS as ipvswrapper.c `ipvs_cmd()` does — each change an `ipvsadm` line run
 * through the director's shell at its simulated time — and runs its health checkers
 * (checker.ts) against the real servers, whose faults (faults.ts) decide what they see.
 * What it logs is kept for `journalctl -u keepalived`; the lines it ran for the player
 * (`takeCommands`). Deterministic: no wall clock, no randomness (a checker's first-run
 * "random" warmup is drawn from its address, see `warmupFraction`).
 */
export class KeepalivedDaemon {
  running = false
  configFile = DEFAULT_CONF
  readonly log: LogLine[] = []
  /** keepalived -D (`--log-detail`): VRRP's detailed lines (the advert timeout, VIPs, gratuitous ARPs, …). */
  logDetail = false
  /**
   * The director's interfaces by name, with their primary IPv4 address (the host sets them): a
   * VRRP instance's `interface` must be one, and its adverts come from that address. Empty: any
   * name is taken, and the source address is 0.
   */
  interfaces = new Map<string, number>()
  /** keepalived's VRRP child: the running configuration's instances, in its order (empty without one). */
  vrrp: VrrpInstance[] = []
  private pid = 1200
  private nextPid = 1202
  private checkerRunning = false
  private checkerPid = 0
  private vrrpPid = 0
  private vs: VsState[] = []
  private checkers: CheckerState[] = []
  private logAll = false
  private commands: DaemonCommand[] = []
  private vrrpEvents: VrrpEvent[] = []
  private syncd: KeepalivedConfig['lvsSyncDaemon'] = null

  get hasVrrpEvents(): boolean {
    return this.vrrpEvents.length > 0
  }

  /** What the VRRP instances did since the last call, in order, for the host to carry out. */
  takeVrrp(): VrrpEvent[] {
    const e = this.vrrpEvents
    this.vrrpEvents = []
    return e
  }

  /** The VRRP instance called `name`, if running. */
  vrrpInstance(name: string): VrrpInstance | undefined {
    return this.vrrp.find((v) => v.name === name)
  }

  /**
   * An advert heard on the director's interface `dev` (`vrrp_dispatcher_read()`): the instance
   * on `dev` with its virtual_router_id takes it; another VRID is ignored (log_unknown_vrids is
   * off). What follows is in the journal, the commands and `takeVrrp()`.
   */
  receiveAdvert(ms: number, dev: string, adv: VrrpAdvert, run: RunLine): void {
    if (!this.running) return
    for (const v of this.vrrp)
      if (v.dev === dev && v.cfg.vrid === adv.vrid) this.vrrpApply(ms, v.name, v.receive(ms, adv), run)
  }

  private parse(text: string, file: string): ParseResult {
    return parseKeepalivedConf(text, file, this.interfaces.size > 0 ? { interfaces: [...this.interfaces.keys()] } : {})
  }

  get hasCommands(): boolean {
    return this.commands.length > 0
  }

  /** Commands run since the last call (the player records them with source "keepalived"). */
  takeCommands(): DaemonCommand[] {
    const c = this.commands
    this.commands = []
    return c
  }

  private parent(ms: number, text: string): void {
    this.log.push({ ms, ident: `Keepalived[${this.pid}]`, text })
  }
  private child(ms: number, text: string): void {
    this.log.push({ ms, ident: `Keepalived_healthcheckers[${this.checkerPid || this.pid + 1}]`, text })
  }
  private vrrpLog(ms: number, text: string): void {
    this.log.push({ ms, ident: `Keepalived_vrrp[${this.vrrpPid}]`, text })
  }

  /** A VRRP instance's result: its lines to the journal, its ipvsadm lines run, the rest for the host. */
  private vrrpApply(ms: number, instance: string, r: VrrpResult, run: RunLine): void {
    for (const l of r.logs) this.vrrpLog(ms, l)
    for (const line of r.ipvsadm) {
      const out = run(line)
      this.commands.push({ at: ms, cmd: line, ...out })
      if (out.exit !== 0) this.vrrpLog(ms, `IPVS cmd error: ${out.stderr.trim()} (${line})`)
    }
    if (r.adverts.length || r.state || r.addVips.length || r.removeVips.length || r.garps.length)
      this.vrrpEvents.push({
        at: ms,
        instance,
        adverts: r.adverts,
        state: r.state,
        addVips: r.addVips,
        removeVips: r.removeVips,
        garps: r.garps,
      })
  }

  private newInstances(config: KeepalivedConfig): VrrpInstance[] {
    return config.vrrpInstances.map(
      (cfg) =>
        new VrrpInstance(cfg, {
          selfAddr: this.interfaces.get(cfg.interface ?? '') ?? 0,
          syncd: config.lvsSyncDaemon?.instance === cfg.name ? config.lvsSyncDaemon : null,
          logDetail: this.logDetail,
        }),
    )
  }
  private systemd(ms: number, text: string): void {
    this.log.push({ ms, ident: 'systemd[1]', text })
  }

  /**
   * `keepalived [-f FILE]` (or `systemctl start keepalived`): read the file; on any message,
   * log them and refuse (exit 1, nothing applied); else program IPVS and arm the checkers.
   */
  start(
    ms: number,
    file: string,
    text: string | null,
    run: RunLine,
    viaSystemd: boolean,
    detailArg: string | null = null,
  ): string | null {
    if (this.running) return null
    this.pid = this.nextPid
    this.nextPid = this.pid + 2
    this.logDetail = detailArg !== null
    if (viaSystemd) this.systemd(ms, `Starting ${UNIT}...`)
    this.parent(ms, `Starting ${KEEPALIVED_VERSION}`)
    // uname's release and version of the recordings' kernel (test/golden/README.md: 6.1.0-56-amd64,
    // upstream 6.1.192); its build date is not recorded, so uname -v is given without it
    this.parent(ms, 'Running on Linux 6.1.0-56-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-1 (built for Linux 6.1.0)')
    this.parent(
      ms,
      `Command line: '/usr/sbin/keepalived'${viaSystemd ? " '--dont-fork'" : ''}${detailArg ? ` '${detailArg}'` : ''}${file !== DEFAULT_CONF ? ` '-f' '${file}'` : ''}`,
    )
    this.parent(ms, `Configuration file ${file}`)
    if (text === null) {
      this.parent(ms, `Config files missing '${file}'.`)
      if (viaSystemd)
        this.systemd(ms, `${UNIT} was skipped because of an unmet condition check (ConditionFileNotEmpty=${file}).`)
      return `Config files missing '${file}'.`
    }
    const parsed = this.parse(text, file)
    if (!parsed.config) {
      for (const m of parsed.messages) this.parent(ms, m)
      this.parent(ms, 'The lab applies no configuration with errors: nothing was changed')
      this.parent(ms, `Stopped ${KEEPALIVED_VERSION}`)
      if (viaSystemd) {
        this.systemd(ms, 'keepalived.service: Main process exited, code=exited, status=1/FAILURE')
        this.systemd(ms, "keepalived.service: Failed with result 'exit-code'.")
        this.systemd(ms, `Failed to start ${UNIT}.`)
      }
      return parsed.messages.join('\n')
    }
    this.running = true
    this.configFile = file
    const config = parsed.config
    // main.c start_keepalived(): the checker child for virtual servers (the lab's also for a file
    // with nothing), the VRRP child for vrrp_instance blocks
    this.checkerRunning = config.virtualServers.length > 0 || config.vrrpInstances.length === 0
    this.checkerPid = this.checkerRunning ? this.pid + 1 : 0
    this.vrrpPid = config.vrrpInstances.length > 0 ? this.pid + (this.checkerRunning ? 2 : 1) : 0
    this.nextPid = Math.max(this.pid + 2, this.vrrpPid + 1)
    if (this.checkerRunning) this.parent(ms, `Starting Healthcheck child process, pid=${this.pid + 1}`)
    if (this.vrrpPid) this.parent(ms, `Starting VRRP child process, pid=${this.vrrpPid}`)
    if (viaSystemd) this.systemd(ms, `Started ${UNIT}.`)
    this.parent(ms, 'Startup complete')
    if (this.checkerRunning) {
      this.child(ms, 'Initializing ipvs')
      this.apply(ms, config, run)
    }
    // vrrp_scheduler.c vrrp_init_state(), each instance in the file's order
    this.syncd = config.lvsSyncDaemon
    this.vrrp = this.newInstances(config)
    for (const v of this.vrrp) this.vrrpApply(ms, v.name, v.start(ms), run)
    return null
  }

  /** `systemctl stop keepalived` (SIGTERM): clear_services(), then the processes end. */
  stop(ms: number, run: RunLine, viaSystemd: boolean): void {
    if (!this.running) return
    if (viaSystemd) this.systemd(ms, `Stopping ${UNIT}...`)
    this.parent(ms, 'Stopping')
    if (this.checkerRunning) {
      this.clearServices(ms, run)
      this.child(ms, 'Stopped')
    }
    if (this.vrrpPid) {
      // vrrp_terminate_phase1(): the sync daemon stops, masters send priority 0 and drop their VIPs
      for (const v of this.vrrp) this.vrrpApply(ms, v.name, v.stop(ms), run)
      this.vrrpLog(ms, 'Stopped')
    }
    this.parent(ms, `Stopped ${KEEPALIVED_VERSION}`)
    if (viaSystemd) {
      this.systemd(ms, 'keepalived.service: Deactivated successfully.')
      this.systemd(ms, `Stopped ${UNIT}.`)
    }
    this.running = false
    this.vs = []
    this.checkers = []
    this.vrrp = []
    this.syncd = null
    this.checkerRunning = false
    this.checkerPid = 0
    this.vrrpPid = 0
  }

  /**
   * `systemctl reload keepalived` (SIGHUP): a file with errors changes nothing (the lab's rule);
   * else the services are programmed again from the new file. The lab's reload is a clear and a
   * fresh start of the checkers (keepalived's own `clear_diff_services()` keeps what did not
   * change: see docs/keepalived.md).
   */
  reload(ms: number, text: string | null, run: RunLine): string | null {
    if (!this.running) return null
    this.parent(ms, 'Reloading ...')
    const parsed = text === null ? null : this.parse(text, this.configFile)
    if (!parsed?.config) {
      for (const m of parsed?.messages ?? [`Config files missing '${this.configFile}'.`]) this.child(ms, m)
      this.child(ms, 'The lab applies no configuration with errors: the running one is kept')
      return (parsed?.messages ?? []).join('\n')
    }
    const config = parsed.config
    // main.c propagate_signal(): a child the new file needs is started (VRRP's first), the
    // running ones reload
    const vrrpStarts = !this.vrrpPid && config.vrrpInstances.length > 0
    if (vrrpStarts) {
      this.vrrpPid = this.nextPid++
      this.parent(ms, `Starting VRRP child process, pid=${this.vrrpPid}`)
    }
    if (!this.checkerRunning && config.virtualServers.length > 0) {
      this.checkerRunning = true
      this.checkerPid = this.nextPid++
      this.parent(ms, `Starting Healthcheck child process, pid=${this.checkerPid}`)
      this.child(ms, 'Initializing ipvs')
      this.apply(ms, config, run)
    } else if (this.checkerRunning) {
      this.child(ms, 'Reloading')
      this.clearServices(ms, run, false)
      this.apply(ms, config, run)
    }
    if (this.vrrpPid) this.reloadVrrp(ms, config, run, vrrpStarts)
    return null
  }

  /**
   * The VRRP child's reload (vrrp_daemon.c `reload_vrrp_thread()`): an instance kept (same
   * virtual_router_id and interface) carries on in its state, a new one starts, a dropped master
   * gives up (`clear_diff_vrrp()`). When lvs_sync_daemon changed, the old sync daemon stops and the
   * new one starts in its instance's state (the lab's simplification of keepalived's sequence).
   */
  private reloadVrrp(ms: number, config: KeepalivedConfig, run: RunLine, starting: boolean): void {
    if (!starting) this.vrrpLog(ms, 'Reloading')
    const old = this.vrrp
    const next = this.newInstances(config)
    const same = (a: VrrpInstance, b: VrrpInstance) => a.cfg.vrid === b.cfg.vrid && a.dev === b.dev
    const oldSyncd = this.syncd
    const changed = JSON.stringify(oldSyncd) !== JSON.stringify(config.lvsSyncDaemon)
    if (changed && oldSyncd) {
      const was = old.find((v) => v.name === oldSyncd.instance)
      const line = `ipvsadm --stop-daemon ${was?.state === 'MASTER' ? 'master' : 'backup'}`
      this.vrrpApply(ms, oldSyncd.instance, { ...emptyVrrpResult(), ipvsadm: [line] }, run)
    }
    for (const o of old) if (!next.some((n) => same(o, n))) this.vrrpApply(ms, o.name, o.remove(ms), run)
    for (const n of next) {
      const o = old.find((x) => same(x, n))
      if (o) {
        const r = n.resumeFrom(o, ms)
        const line = changed ? n.syncdLine('start', n.state === 'MASTER' ? 'master' : 'backup') : null
        if (line !== null) r.ipvsadm.push(line)
        this.vrrpApply(ms, n.name, r, run)
      } else {
        const r = n.start(ms)
        if (!changed && !starting) r.ipvsadm = []
        this.vrrpApply(ms, n.name, r, run)
      }
    }
    this.vrrp = next
    this.syncd = config.lvsSyncDaemon
  }

  /** The time of the next check or check outcome, or Infinity. */
  nextDue(): number {
    let t = Number.POSITIVE_INFINITY
    if (!this.running) return t
    for (const c of this.checkers) if (c.dueAt < t) t = c.dueAt
    for (const v of this.vrrp) t = Math.min(t, v.nextDue())
    return t
  }

  /** Run everything due at `ms` (the caller has brought the director's clock there). */
  fire(ms: number, faults: RealServerFaults, run: RunLine): void {
    for (const c of this.checkers) {
      if (c.dueAt !== ms) continue
      const v = this.vs[c.vs]
      const r = v.rs[c.rs]
      if (!c.pending) {
        c.pending = probe(c, faults.at(r.cfg.addr, ms))
        c.dueAt = ms + c.pending.afterMs
        if (c.pending.afterMs > 0) continue
      }
      const out = c.pending
      c.pending = null
      const res = epilog(c, out, trio(r.cfg.addr, v.cfg.protocol, r.cfg.port), this.logAll || c.cfg.logAllFailures)
      for (const l of res.logs) this.child(ms, l)
      if (res.change) this.updateSvrCheckerState(ms, c, res.change === 'up', run)
      c.dueAt = ms + res.delay
    }
    // the VRRP instances' timers (vrrp_dispatcher_read_timeout())
    for (const v of this.vrrp) if (v.nextDue() === ms) this.vrrpApply(ms, v.name, v.fire(ms), run)
  }

  // --- ipwrapper.c ---

  private apply(ms: number, config: KeepalivedConfig, run: RunLine): void {
    this.logAll = config.logAllFailures
    this.vs = config.virtualServers.map((cfg) => ({
      cfg,
      rs: cfg.realServers.map((r) => ({ cfg: r, alive: false, set: false, numFailed: 0 })),
      quorumUp: false,
      sorry: cfg.sorryServer ? { alive: false, set: false } : null,
    }))
    for (const v of this.vs) v.quorumUp = this.weightSum(v) >= v.cfg.quorum + v.cfg.hysteresis
    this.checkers = []
    for (const [vi, v] of this.vs.entries())
      for (const [ri, r] of v.rs.entries())
        for (const cfg of r.cfg.checkers) {
          const delayLoop = cfg.delayLoop ?? r.cfg.delayLoop ?? v.cfg.delayLoop
          const warmup = cfg.warmup ?? delayLoop
          this.checkers.push({
            cfg,
            vs: vi,
            rs: ri,
            connectTimeout: cfg.connectTimeout ?? r.cfg.connectTimeout ?? v.cfg.connectTimeout,
            retry: cfg.retry ?? r.cfg.retry ?? v.cfg.retry ?? 1,
            delayBeforeRetry: cfg.delayBeforeRetry ?? r.cfg.delayBeforeRetry ?? v.cfg.delayBeforeRetry ?? 1000,
            delayLoop,
            port: cfg.connectPort ?? r.cfg.port,
            isUp: true,
            hasRun: false,
            retryIt: 0,
            failedUrl: false,
            dueAt: ms + BOOTSTRAP_DELAY_MS + Math.floor(warmup * warmupFraction(r.cfg.addr, r.cfg.port)),
            pending: null,
          })
        }
    // init_services(): each virtual server, then its real servers (all alive: no alpha mode)
    for (const v of this.vs) {
      this.ipvs(ms, run, this.serviceLine('-A', v))
      for (const r of v.rs)
        if (!r.alive) {
          this.ipvsCmd(ms, run, v, r, 'add')
          r.alive = true
        }
      this.updateQuorumState(ms, v, run, true)
    }
    for (const c of this.checkers) {
      const v = this.vs[c.vs]
      const r = v.rs[c.rs]
      this.child(
        ms,
        `Activating healthchecker for service ${trio(r.cfg.addr, v.cfg.protocol, r.cfg.port)} for VS ${formatVs(v.cfg)}`,
      )
    }
  }

  private clearServices(ms: number, run: RunLine, stopping = true): void {
    for (const v of this.vs) {
      if (v.sorry?.set) {
        this.ipvs(ms, run, this.destLine('-d', v, v.cfg.sorryServer as NonNullable<VirtualServerConfig['sorryServer']>))
        v.sorry.set = false
        v.sorry.alive = false
      }
      for (const r of v.rs) {
        if (r.set || stopping)
          this.child(
            ms,
            `${stopping ? 'Shutting down' : 'Removing'} ${r.cfg.inhibit && !r.alive ? '(inhibited) ' : ''}service ${trio(r.cfg.addr, v.cfg.protocol, r.cfg.port)} from VS ${formatVs(v.cfg)}`,
          )
        if (r.set) {
          this.ipvs(ms, run, this.destLine('-d', v, r.cfg))
          r.set = false
        }
        r.alive = false
      }
      this.ipvs(ms, run, this.serviceLine('-D', v))
    }
  }

  private weightSum(v: VsState): number {
    let s = 0
    for (const r of v.rs) if (r.alive) s += r.cfg.weight
    return s
  }

  /** ipwrapper.c `update_svr_checker_state()`. */
  private updateSvrCheckerState(ms: number, c: CheckerState, alive: boolean, run: RunLine): void {
    const v = this.vs[c.vs]
    const r = v.rs[c.rs]
    if (c.isUp === alive) return
    if (alive ? r.numFailed <= 1 : r.numFailed === 0) this.performSvrState(ms, v, r, alive, run)
    c.isUp = alive
    if (!alive) r.numFailed++
    else if (r.numFailed) r.numFailed--
  }

  /** ipwrapper.c `perform_svr_state()`: remove (or weight 0 with inhibit_on_failure) or add back. */
  private performSvrState(ms: number, v: VsState, r: RsState, alive: boolean, run: RunLine): void {
    if (r.alive === alive) return
    const inh = r.cfg.inhibit
    this.child(
      ms,
      `${alive ? (inh ? 'Enabl' : 'Add') : inh ? 'Disabl' : 'Remov'}ing service ${trio(r.cfg.addr, v.cfg.protocol, r.cfg.port)} ${inh ? 'of' : alive ? 'to' : 'from'} VS ${formatVs(v.cfg)}`,
    )
    if (v.quorumUp || !v.sorry || !v.sorry.alive) this.ipvsCmd(ms, run, v, r, alive ? 'add' : 'del')
    r.alive = alive
    this.updateQuorumState(ms, v, run, false)
  }

  /** ipwrapper.c `update_quorum_state()`: the sorry server in when the live weight falls below quorum. */
  private updateQuorumState(ms: number, v: VsState, run: RunLine, init: boolean): void {
    const sum = this.weightSum(v)
    const threshold = v.cfg.quorum + (v.quorumUp ? -1 : 1) * v.cfg.hysteresis
    const s = v.cfg.sorryServer
    if (!v.quorumUp && sum >= threshold) {
      v.quorumUp = true
      this.child(
        ms,
        `Gained quorum ${v.cfg.quorum}+${v.cfg.hysteresis}=${threshold} <= ${sum} for VS ${formatVs(v.cfg)}`,
      )
      if (s && v.sorry?.alive) {
        this.child(
          ms,
          `${s.inhibit ? 'Disabling' : 'Removing'} sorry server ${trio(s.addr, v.cfg.protocol, s.port)} from VS ${formatVs(v.cfg)}`,
        )
        this.ipvs(ms, run, this.destLine('-d', v, s))
        v.sorry.alive = false
        v.sorry.set = false
        this.child(ms, `Adding alive servers to the pool for VS ${formatVs(v.cfg)}`)
        for (const r of v.rs) if (r.alive) this.ipvsCmd(ms, run, v, r, 'add')
      }
    } else if ((v.quorumUp && (!sum || sum < threshold)) || (init && !v.quorumUp && s && !v.sorry?.alive)) {
      v.quorumUp = false
      this.child(
        ms,
        `${init ? 'Starting with quorum down' : 'Lost quorum'} ${v.cfg.quorum}-${v.cfg.hysteresis}=${threshold} > ${sum} for VS ${formatVs(v.cfg)}`,
      )
      if (s && v.sorry && !v.sorry.alive) {
        this.child(
          ms,
          `${s.inhibit ? 'Enabling' : 'Adding'} sorry server ${trio(s.addr, v.cfg.protocol, s.port)} to VS ${formatVs(v.cfg)}`,
        )
        this.child(ms, `Removing alive servers from the pool for VS ${formatVs(v.cfg)}`)
        for (const r of v.rs) if (r.alive) this.ipvsCmd(ms, run, v, r, 'del')
        this.ipvs(ms, run, this.destLine('-a', v, s))
        v.sorry.alive = true
        v.sorry.set = true
      }
    }
  }

  // --- ipvswrapper.c ---

  /** `ipvs_cmd()` for a real server: with inhibit_on_failure a delete is an edit to weight 0, an add back an edit. */
  private ipvsCmd(ms: number, run: RunLine, v: VsState, r: RsState, what: 'add' | 'del'): void {
    if (what === 'del') {
      if (r.cfg.inhibit) this.ipvs(ms, run, this.destLine('-e', v, r.cfg, 0))
      else {
        this.ipvs(ms, run, this.destLine('-d', v, r.cfg))
        r.set = false
      }
      return
    }
    if (r.cfg.inhibit && r.set) this.ipvs(ms, run, this.destLine('-e', v, r.cfg))
    else {
      this.ipvs(ms, run, this.destLine('-a', v, r.cfg, r.cfg.inhibit && r.numFailed ? 0 : r.cfg.weight))
      r.set = true
    }
  }

  private serviceArg(v: VsState): string {
    const c = v.cfg
    if (c.fwmark) return `-f ${c.fwmark}`
    const opt = c.protocol === 17 ? '-u' : c.protocol === 132 ? '--sctp-service' : '-t'
    return `${opt} ${formatIPv4(c.addr ?? 0)}:${c.port}`
  }

  /** `ipvs_set_srule()`: -s, and with persistence_timeout -p (and -M unless 255.255.255.255). */
  private serviceLine(op: '-A' | '-D', v: VsState): string {
    if (op === '-D') return `ipvsadm -D ${this.serviceArg(v)}`
    const c = v.cfg
    let line = `ipvsadm -A ${this.serviceArg(v)} -s ${c.sched}`
    if (c.persistenceTimeout) {
      line += ` -p ${c.persistenceTimeout}`
      if (c.granularity !== 0xffffffff) line += ` -M ${formatIPv4(c.granularity)}`
    }
    return line
  }

  /** `ipvs_set_drule()`: DR and TUN take the service's port (fwmark: none), NAT the real server's. */
  private destLine(
    op: '-a' | '-e' | '-d',
    v: VsState,
    r: { addr: number; port: number; kind: LbKind | null; weight?: number },
    weight?: number,
  ): string {
    const kind = r.kind ?? 'NAT'
    const port = kind === 'NAT' ? r.port : v.cfg.fwmark ? 0 : v.cfg.port
    const rs = port ? `${formatIPv4(r.addr)}:${port}` : formatIPv4(r.addr)
    const base = `ipvsadm ${op} ${this.serviceArg(v)} -r ${rs}`
    if (op === '-d') return base
    const m = kind === 'NAT' ? '-m' : kind === 'DR' ? '-g' : '-i'
    return `${base} ${m} -w ${weight ?? r.weight ?? 1}`
  }

  private ipvs(ms: number, run: RunLine, line: string): void {
    const r = run(line)
    this.commands.push({ at: ms, cmd: line, ...r })
    if (r.exit !== 0) this.child(ms, `IPVS cmd error: ${r.stderr.trim()} (${line})`)
  }
}

/**
 * keepalived waits `warmup × random() / RAND_MAX` before a checker's first run (check_api.c
 * `register_checkers_thread()`); the lab draws that fraction from the real server's address and
 * port (Knuth's multiplicative hash), so a run replays the same.
 */
export function warmupFraction(addr: number, port: number): number {
  return (Math.imul((addr ^ (port << 16)) >>> 0, 2654435761) >>> 0) / 2 ** 32
}
