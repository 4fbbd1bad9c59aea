import { s64MulGreater } from './loadCompare'
import type { Scheduler } from './scheduler'

/**
 * Weighted least connection (ip_vs_wlc.c), ipvsadm's default: the smallest overhead / weight,
 * compared by cross-multiplying; a later destination must be strictly better, so ties go to the
 * most recently added.
 */
export const wlc: Scheduler<null> = {
  name: 'wlc',
  init: () => null,
  // mirrors ip_vs_wlc_schedule()
  schedule(svc) {
    const list = svc.destinations
    let i = 0
    while (i < list.length && !list[i].usable) i++
    if (i === list.length) return null
    let least = list[i]
    let loh = least.connOverhead
    for (i++; i < list.length; i++) {
      const d = list[i]
      if (d.overloaded) continue
      const doh = d.connOverhead
      if (s64MulGreater(loh, d.weight, doh, least.weight)) {
        least = d
        loh = doh
      }
    }
    return least
  },
}
