import type { Addr } from '../../net/ipv6'
import type { Destination } from '../destination'
import { catchUp, newPeriodicCheck, type PeriodicCheck } from './localityExpire'
import type { Scheduler } from './scheduler'
import { localityOverloaded, weightedLeastConnection } from './wlcPick'

interface LblcEntry {
  dest: Destination
  lastUseMs: number
}
interface LblcState {
  /** Keyed by the packet's destination address. */
  cache: Map<Addr, LblcEntry>
  /** The table's periodic_timer and counter (ip_vs_lblc_check_expire()). */
  check: PeriodicCheck
}

/**
 * Locality-based least connection (ip_vs_lblc.c): a cache maps the packet's destination address
 * to a server, kept while that server is available, has weight and is not "overloaded" in lblc's
 * sense; otherwise a weighted-least-connection pick replaces it. With one VIP every client shares
 * one entry. Entries unused for lblc_expiration are dropped only by the table's periodic full
 * check, every 30 minutes or so (see localityExpire.ts); the lookup uses an entry however old
 * (Linux 6.1.192, ip_vs_lblc_schedule()).
 */
export const lblc: Scheduler<LblcState> = {
  name: 'lblc',
  init: (_svc, now = 0) => ({ cache: new Map(), check: newPeriodicCheck(now) }),
  // mirrors ip_vs_lblc_schedule()
  schedule(svc, s, pkt, ctx) {
    catchUp(s.check, s.cache, ctx.now, ctx.sysctl.lblc_expiration * 1000)
    const en = s.cache.get(pkt.daddr)
    if (en) {
      en.lastUseMs = ctx.now
      const d = en.dest
      if (d.available && d.weight > 0 && !localityOverloaded(d, svc.destinations)) return d
    }
    const dest = weightedLeastConnection(svc.destinations)
    if (!dest) return null
    // ip_vs_lblc_new(): an entry for another server is replaced by a fresh one.
    if (!en || en.dest !== dest) s.cache.set(pkt.daddr, { dest, lastUseMs: ctx.now })
    return dest
  },
}
