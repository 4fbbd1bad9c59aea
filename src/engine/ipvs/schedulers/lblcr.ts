import type { Addr } from '../../net/ipv6'
import type { Destination } from '../destination'
import { s64MulGreater } from './loadCompare'
import { catchUp, newPeriodicCheck, type PeriodicCheck } from './localityExpire'
import type { Scheduler } from './scheduler'
import { localityOverloaded, weightedLeastConnection } from './wlcPick'

interface DestSet {
  /** Most recently inserted first (list_add_rcu). */
  members: Destination[]
  lastModMs: number
}
interface LblcrEntry {
  set: DestSet
  lastUseMs: number
}
interface LblcrState {
  cache: Map<Addr, LblcrEntry>
  /** The table's periodic_timer and counter (ip_vs_lblcr_check_expire()). */
  check: PeriodicCheck
}

// mirrors ip_vs_dest_set_min(): weighted least connection inside the set, available members only.
function setMin(set: DestSet): Destination | null {
  let least: Destination | null = null
  let loh = 0
  for (const d of set.members) {
    if (d.overloaded) continue
    if (least === null) {
      if (d.weight > 0 && d.available) {
        least = d
        loh = d.connOverhead
      }
      continue
    }
    const doh = d.connOverhead
    if (s64MulGreater(loh, d.weight, doh, least.weight) && d.available) {
      least = d
      loh = doh
    }
  }
  return least
}

// mirrors ip_vs_dest_set_max(): the most loaded member, to be dropped from an old set.
function setMax(set: DestSet): Destination | null {
  let most: Destination | null = null
  let moh = 0
  for (const d of set.members) {
    if (most === null) {
      if (d.weight > 0) {
        most = d
        moh = d.connOverhead
      }
      continue
    }
    const doh = d.connOverhead
    if (s64MulGreater(doh, most.weight, moh, d.weight) && d.weight > 0) {
      most = d
      moh = doh
    }
  }
  return most
}

function insert(set: DestSet, dest: Destination, now: number): void {
  if (set.members.includes(dest)) return
  set.members.unshift(dest)
  set.lastModMs = now
}

/**
 * Locality-based least connection with replication (ip_vs_lblcr.c): the cache maps a destination
 * address to a *set* of servers; the least loaded member serves unless it is "overloaded", then
 * the weighted-least-connection server joins the set; a set unchanged for lblcr_expiration loses
 * its most loaded member. An entry unused for lblcr_expiration goes only at the table's periodic
 * full check (see localityExpire.ts), never on lookup (Linux 6.1.192, ip_vs_lblcr_schedule()).
 */
export const lblcr: Scheduler<LblcrState> = {
  name: 'lblcr',
  init: (_svc, now = 0) => ({ cache: new Map(), check: newPeriodicCheck(now) }),
  // mirrors ip_vs_lblcr_schedule()
  schedule(svc, s, pkt, ctx) {
    const expiration = ctx.sysctl.lblcr_expiration * 1000
    catchUp(s.check, s.cache, ctx.now, expiration)
    const en = s.cache.get(pkt.daddr)
    if (en) {
      en.lastUseMs = ctx.now
      let dest = setMin(en.set)
      if (en.set.members.length > 1 && ctx.now > en.set.lastModMs + expiration) {
        const m = setMax(en.set)
        if (m) {
          en.set.members.splice(en.set.members.indexOf(m), 1)
          en.set.lastModMs = ctx.now
        }
      }
      if (dest && !localityOverloaded(dest, svc.destinations)) return dest
      dest = weightedLeastConnection(svc.destinations)
      if (!dest) return null
      insert(en.set, dest, ctx.now)
      return dest
    }
    const dest = weightedLeastConnection(svc.destinations)
    if (!dest) return null
    s.cache.set(pkt.daddr, { set: { members: [dest], lastModMs: ctx.now }, lastUseMs: ctx.now })
    return dest
  },
}
