/**
 * A host's neighbour table (IPv4: the ARP cache, `ip neigh`), with the rules of Linux 6.1
 * net/core/neighbour.c that decide which link-layer address an entry holds and for how long:
 * __neigh_update() (who may change an entry: an override, or an entry not yet valid), the
 * NUD states REACHABLE → STALE (neigh_timer_handler(): `confirmed` + reachable_time passed), and
 * the locktime that arp_process() (net/ipv4/arp.c) reads to keep the first of several replies.
 *
 * What the lab leaves out: the random factor of reachable_time (neigh_rand_reach_time() draws
 * it in [base/2, 3·base/2]; here it is base_reachable_time), DELAY/PROBE as states of their own
 * (a STALE entry keeps sending to the address it holds; the unicast probe that follows 5 s after
 * its first use is answered by the same host, so it changes nothing here), garbage collection
 * (neigh_periodic_work() removes nothing while the table holds fewer than gc_thresh1 = 128
 * entries, as every lab host's does).
 */

export type NudState = 'REACHABLE' | 'STALE'

/** The sysctls of net.ipv4.neigh.DEV that matter here, in ms. */
export interface NeighParms {
  /** base_reachable_time_ms: how long a confirmed entry stays REACHABLE (30000). */
  base_reachable_time_ms: number
  /** locktime (100 jiffies = 1 s): a reply within it of the last change does not override. */
  locktime_ms: number
}

export const DEFAULT_NEIGH_PARMS: Readonly<NeighParms> = Object.freeze({
  base_reachable_time_ms: 30_000,
  locktime_ms: 1000,
})

export interface Neighbour {
  ip: string
  mac: string
  state: NudState
  /** When the entry last changed (address or state): `neigh->updated`, what locktime counts from. */
  updated: number
  /** When it was last confirmed reachable: `neigh->confirmed`. */
  confirmed: number
}

/** What one neigh_update() did. */
export type NeighUpdate = 'created' | 'changed' | 'refreshed' | 'ignored'

export class NeighbourTable {
  readonly parms: NeighParms
  private readonly entries = new Map<string, Neighbour>()

  constructor(parms: Partial<NeighParms> = {}) {
    this.parms = { ...DEFAULT_NEIGH_PARMS, ...parms }
  }

  get(ip: string): Neighbour | undefined {
    return this.entries.get(ip)
  }

  /** Every entry, as `ip neigh` lists them (in the order they were made). */
  list(): Neighbour[] {
    return [...this.entries.values()]
  }

  /** The entry's state at `now`: REACHABLE until `confirmed` + reachable_time, then STALE (neigh_timer_handler()). */
  stateAt(n: Neighbour, now: number): NudState {
    if (n.state === 'REACHABLE' && now >= n.confirmed + this.parms.base_reachable_time_ms) return 'STALE'
    return n.state
  }

  /** arp_process(): whether a reply may override — the entry last changed more than locktime ago. */
  pastLocktime(n: Neighbour, now: number): boolean {
    return now > n.updated + this.parms.locktime_ms
  }

  /**
   * __neigh_update(): learn `mac` for `ip` in state `state`. A valid entry with another address
   * changes only with `override` (NEIGH_UPDATE_F_OVERRIDE); the same address with STALE keeps the
   * state it had; REACHABLE confirms the entry even when nothing else changes.
   */
  update(ip: string, mac: string, state: NudState, override: boolean, now: number): NeighUpdate {
    const n = this.entries.get(ip)
    if (!n) {
      this.entries.set(ip, { ip, mac, state, updated: now, confirmed: state === 'REACHABLE' ? now : -Infinity })
      return 'created'
    }
    const old = this.stateAt(n, now)
    n.state = old
    if (state === 'REACHABLE') n.confirmed = now
    if (mac !== n.mac && !override) return 'ignored'
    const next = mac === n.mac && state === 'STALE' ? old : state
    if (next === old && mac === n.mac) return 'refreshed'
    n.updated = now
    n.state = next
    const changed = mac !== n.mac
    n.mac = mac
    return changed ? 'changed' : 'refreshed'
  }
}
