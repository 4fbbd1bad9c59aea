import type { SyncMessage } from '../ipvs/sync'
import type { VrrpEvent } from '../keepalived/daemon'
import { formatIPv4, parseDottedQuad } from '../net/ipv4'
import type { SimMs } from '../sim/time'
import type { Simulator } from './simulator'

/**
 * The directors' addresses on eth0, the LAN of the clients and the VIP: the first director's is
 * the topology's (10.0.255.254 by default), the backup's the one below it. VRRP's adverts come
 * from these (an equal priority is won by the higher address).
 */
export function pairAddresses(clientSide: string): [number, number] {
  const a = parseDottedQuad(clientSide) ?? 0
  return [a, (a - 1) >>> 0]
}

/** The two directors by the names scenarios give them: the one `commands` set up, and the `backup`. */
export const DIRECTOR_NAMES = ['director', 'backup'] as const
export type DirectorName = (typeof DIRECTOR_NAMES)[number]
export type DirectorIndex = 0 | 1

/** A sync message that reached the other director (or did not: `applied` 0 and why). */
export interface SyncDelivery {
  at: number
  from: DirectorIndex
  records: number
  bytes: number
  /** Records the receiving backup daemon applied (0: no backup daemon there, another syncid, …). */
  applied: number
  /** Why nothing was applied, when nothing was. */
  lost?: 'no-backup-daemon' | 'syncid' | 'receiver-down' | 'not-on-the-lan' | 'group'
}

/** One director of the pair as a panel shows it. */
export interface PairDirectorState {
  name: DirectorName
  /** Lost power (a director fault). */
  down: boolean
  /** When it lost power (ms), or null. */
  downAt: number | null
  /** VRRP put the VIP here (with no vrrp_instance anywhere: the first director). */
  holdsVip: boolean
  /** The clients' packets come here (the last gratuitous ARP's sender). */
  front: boolean
  /** Its keepalived's VRRP instances: name, state (INIT, BACKUP, MASTER, STOP), priority. */
  vrrp: { name: string; state: string; priority: number }[]
  /** The sync daemons running (`ipvsadm -L --daemon`). */
  syncDaemons: ('master' | 'backup')[]
  connections: number
  templates: number
}

export interface PairState {
  directors: [PairDirectorState, PairDirectorState]
  /** Sync messages sent so far, and the records the other director applied. */
  syncMessages: number
  syncApplied: number
  moves: readonly VipMove[]
}

/** A moment the clients' packets started going to another director (or to none). */
export interface VipMove {
  at: number
  to: DirectorIndex
  /** What moved it: VRRP's election (gratuitous ARP), or the holder crashing (packets now go nowhere). */
  why: 'vrrp' | 'crash'
}

/**
 * Two directors on one LAN (issue 16 §2): the clients' packets go to whichever last claimed the
 * VIP (its gratuitous ARP moved the router's entry and the switch's), the IPVS sync daemon's
 * multicast messages go from a master daemon to the other director's backup daemon, and a crashed
 * director answers nothing and sends nothing. Each director is a whole `Simulator` (kernel,
 * netfilter, shell, keepalived) on the one clock.
 */
export class DirectorPair {
  readonly sims: readonly [Simulator, Simulator]
  /** The director the clients' packets reach (a crashed one drops them). */
  private vipAt: DirectorIndex = 0
  /**
   * The VIPs VRRP has put on each director (keepalived's `virtual_ipaddress`). While neither runs
   * a vrrp_instance the first director holds the VIP, as the one-director lab's does.
   */
  private readonly vrrpVips: [Set<number>, Set<number>] = [new Set(), new Set()]
  readonly deliveries: SyncDelivery[] = []
  /** Records applied by a backup daemon so far (the sum over `deliveries`). */
  private applied = 0
  readonly moves: VipMove[] = []
  /** When each director lost power (ms), or null. */
  private readonly downAt: [number | null, number | null] = [null, null]

  constructor(director: Simulator, backup: Simulator) {
    this.sims = [director, backup]
    const [a, b] = pairAddresses(director.topology.director.clientSide)
    director.keepalived.interfaces.set('eth0', a)
    backup.keepalived.interfaces.set('eth0', b)
  }

  /** Does VRRP decide who holds the VIP (a vrrp_instance runs on either director)? */
  private get vrrpRuns(): boolean {
    return this.sims.some((s) => s.keepalived.vrrp.length > 0)
  }

  /** Does director `i` have the VIP configured (so that its stack and IPVS take the clients' packets)? */
  holdsVip(i: DirectorIndex): boolean {
    return this.vrrpRuns || this.vrrpVips[i].size > 0 ? this.vrrpVips[i].size > 0 : i === 0
  }

  /** The director the clients' packets go to now. */
  get front(): Simulator {
    return this.sims[this.vipAt]
  }

  get holder(): DirectorIndex {
    return this.vipAt
  }

  /** Both directors as a panel shows them (cheap: counters only, no walk over the tables). */
  describe(): PairState {
    const one = (i: DirectorIndex): PairDirectorState => {
      const s = this.sims[i]
      const d = s.director
      return {
        name: DIRECTOR_NAMES[i],
        down: s.down,
        downAt: this.downAt[i],
        holdsVip: this.holdsVip(i),
        front: this.vipAt === i,
        vrrp: s.keepalived.vrrp.map((v) => ({ name: v.name, state: v.state, priority: v.priority })),
        syncDaemons: (['master', 'backup'] as const).filter((k) => d.syncDaemons[k] !== null),
        connections: d.table.connections,
        templates: d.table.templates,
      }
    }
    return {
      directors: [one(0), one(1)],
      syncMessages: this.deliveries.length,
      syncApplied: this.applied,
      moves: this.moves,
    }
  }

  /** Director `i` claimed the VIP at `now` (VRRP's gratuitous ARP): the clients' packets go there from now on. */
  claimVip(i: DirectorIndex, now: number): void {
    if (this.vipAt === i) return
    this.vipAt = i
    this.moves.push({ at: now, to: i, why: 'vrrp' })
  }

  /** Director `i` loses power at `now`: it answers nothing, sends nothing (no advert, no sync message). */
  crash(i: DirectorIndex, now: number): void {
    const sim = this.sims[i]
    if (sim.down) return
    sim.down = true
    this.downAt[i] = now
    if (this.vipAt === i) this.moves.push({ at: now, to: i, why: 'crash' })
  }

  /** When the next thing between the two directors may happen (a sync thread wakes, a keepalived timer), or Infinity. */
  nextDue(): number {
    let due = Number.POSITIVE_INFINITY
    for (const s of this.sims) {
      if (s.down) continue
      const m = s.director.syncMaster
      if (m && m.nextWake() < due) due = m.nextWake()
      const k = s.keepalived.nextDue()
      if (k < due) due = k
    }
    return due
  }

  /**
   * What VRRP did on either director since the last look: adverts go to the other director (if it
   * is up: 224.0.0.18 on the shared LAN), VIPs come and go, and a gratuitous ARP moves the
   * clients' packets to the director that sent it. Repeats while an advert makes the other answer.
   */
  exchange(): void {
    for (let round = 0; round < 64; round++) {
      let any = false
      for (const i of [0, 1] as const) {
        const k = this.sims[i].keepalived
        if (!k.hasVrrpEvents) continue
        any = true
        for (const e of k.takeVrrp()) this.vrrpEvent(i, e)
      }
      if (!any) return
    }
  }

  private vrrpEvent(i: DirectorIndex, e: VrrpEvent): void {
    const other = this.sims[i === 0 ? 1 : 0]
    if (!other.down)
      for (const adv of e.adverts) other.keepalived.receiveAdvert(e.at, adv.dev, adv, (line) => other.run(line))
    // keepalived's netlink calls, as `ip addr` shows them (net/interfaces.ts)
    const ifs = this.sims[i].interfaces
    for (const v of e.removeVips) {
      this.vrrpVips[i].delete(v.addr)
      ifs.del(v.dev, formatIPv4(v.addr), v.prefixLen)
    }
    for (const v of e.addVips) {
      this.vrrpVips[i].add(v.addr)
      ifs.add(v.dev, formatIPv4(v.addr), v.prefixLen)
    }
    for (const j of [0, 1] as const) this.sims[j].vipAbsent = !this.holdsVip(j)
    if (e.garps.length > 0 && this.vipAt !== i) {
      this.vipAt = i
      this.moves.push({ at: e.at, to: i, why: 'vrrp' })
    }
  }

  /** Let time pass on both directors, the sync threads waking and their messages delivered in time order. */
  advanceTo(t: SimMs, inclusive = true): void {
    for (;;) {
      const due = this.nextDue()
      if (!(due < t || (inclusive && due === t))) break
      for (const s of this.sims) s.advanceTo(due as SimMs)
      this.exchange()
      for (const i of [0, 1] as const) {
        const m = this.sims[i].director.syncMaster
        if (m && !this.sims[i].down && m.nextWake() === due)
          for (const msg of m.wake(due as SimMs)) this.deliver(i, msg, due)
      }
    }
    for (const s of this.sims) s.advanceTo(t, inclusive)
    this.exchange()
  }

  /** A master daemon's multicast message, to the other director's backup daemon (ip_vs_send_sync_msg() → sync_thread_backup()). */
  private deliver(from: DirectorIndex, msg: SyncMessage, at: number): void {
    const sender = this.sims[from].director.syncDaemons.master
    const to = this.sims[from === 0 ? 1 : 0]
    const rec: SyncDelivery = { at, from, records: msg.conns.length, bytes: msg.size, applied: 0 }
    const b = to.director.syncDaemons.backup
    if (!sender || sender.mcastIfn === 'lo') rec.lost = 'not-on-the-lan'
    else if (to.down) rec.lost = 'receiver-down'
    else if (!b || b.mcastIfn === 'lo') rec.lost = 'no-backup-daemon'
    else if (b.mcastGroup.text !== sender.mcastGroup.text || b.mcastPort !== sender.mcastPort) rec.lost = 'group'
    else {
      rec.applied = to.director.receiveSync(msg)
      if (rec.applied === 0) rec.lost = 'syncid'
    }
    this.applied += rec.applied
    this.deliveries.push(rec)
  }
}
