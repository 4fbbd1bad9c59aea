import type { Destination } from '../destination'
import type { Scheduler } from './scheduler'

/**
 * Least connection (ip_vs_lc.c): the smallest overhead ((active << 8) + total, 6.1.192) among usable
 * destinations; weights other than 0 are ignored; ties go to the first in list order.
 */
export const lc: Scheduler<null> = {
  name: 'lc',
  init: () => null,
  // mirrors ip_vs_lc_schedule()
  schedule(svc) {
    let least: Destination | null = null
    let loh = 0
    for (const d of svc.destinations) {
      if (d.overloaded || d.weight === 0) continue
      const doh = d.connOverhead
      if (least === null || doh < loh) {
        least = d
        loh = doh
      }
    }
    return least
  },
}
