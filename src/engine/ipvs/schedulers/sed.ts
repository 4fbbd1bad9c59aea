import { s64MulGreater } from './loadCompare'
import type { Scheduler } from './scheduler'

/**
 * Shortest expected delay (ip_vs_sed.c): the smallest (active + 1) / weight; inactive
 * connections are ignored; ties go to the first in list order (the most recently added).
 */
export const sed: Scheduler<null> = {
  name: 'sed',
  init: () => null,
  // mirrors ip_vs_sed_schedule()
  schedule(svc) {
    const list = svc.destinations
    let i = 0
    while (i < list.length && !list[i].usable) i++
    if (i === list.length) return null
    let least = list[i]
    let loh = least.activeConns + 1
    for (i++; i < list.length; i++) {
      const d = list[i]
      if (d.overloaded) continue
      const doh = d.activeConns + 1
      if (s64MulGreater(loh, d.weight, doh, least.weight)) {
        least = d
        loh = doh
      }
    }
    return least
  },
}
