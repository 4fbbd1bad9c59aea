import type { SyncMessage } from '../ipvs/sync'
import type { SimMs } from '../sim/time'
import type { Simulator } from './simulator'

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
  readonly deliveries: SyncDelivery[] = []
  readonly moves: VipMove[] = []

  constructor(director: Simulator, backup: Simulator) {
    this.sims = [director, backup]
  }

  /** The director the clients' packets go to now. */
  get front(): Simulator {
    return this.sims[this.vipAt]
  }

  get holder(): DirectorIndex {
    return this.vipAt
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
    if (this.vipAt === i) this.moves.push({ at: now, to: i, why: 'crash' })
  }

  /** When the next thing between the two directors happens (a sync thread wakes), or Infinity. */
  nextDue(): number {
    let due = Number.POSITIVE_INFINITY
    for (const s of this.sims) {
      const m = s.director.syncMaster
      if (m && !s.down && m.nextWake() < due) due = m.nextWake()
    }
    return due
  }

  /** Let time pass on both directors, the sync threads waking and their messages delivered in time order. */
  advanceTo(t: SimMs, inclusive = true): void {
    for (;;) {
      const due = this.nextDue()
      if (!(due < t || (inclusive && due === t))) break
      for (const s of this.sims) s.advanceTo(due as SimMs)
      for (const i of [0, 1] as const) {
        const m = this.sims[i].director.syncMaster
        if (m && !this.sims[i].down && m.nextWake() === due)
          for (const msg of m.wake(due as SimMs)) this.deliver(i, msg, due)
      }
    }
    for (const s of this.sims) s.advanceTo(t, inclusive)
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
    this.deliveries.push(rec)
  }
}
